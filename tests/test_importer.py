"""Import of the old plain-text posts: the parser, drafts, the command and the owner's page."""

import codecs
import html
import io
import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from lxml import html as lxml_html
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from blog import search
from blog.admin.importing import ANSWER_NEEDED, NOT_TEXT, READ_AS
from blog.extensions import db
from blog.forms import TOO_LARGE
from blog.models import Commentary, DiaryEntry, Post, Revision, Visibility
from blog.portability.import_text import (
    OPENING_CHARACTERS,
    NotText,
    date_line,
    decode_text,
    import_text_command,
    language,
    look_alikes,
    parse,
    parse_text,
    save_as_drafts,
)
from blog.posts import saving

from .markup import errors_of, flashes, invalid_fields, shown, texts_of

DATA = Path(__file__).parent / "data"
SAMPLE = (DATA / "plain-text-posts.txt").read_text(encoding="utf-8")
EXPECTED = json.loads((DATA / "plain-text-posts.expected.json").read_text(encoding="utf-8"))
SAMPLE_LINES = SAMPLE.split("\n")
HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending after DeepSeek stuns tech world"


def reading(text: str) -> dict:
    return parse_text(text).to_dict()


def with_lines(change) -> str:
    """The sample with `change(number, line)` applied to each line (numbers from 1)."""
    return "\n".join(change(number, line) for number, line in enumerate(SAMPLE_LINES, 1))


def commentary_part(result: dict) -> dict:
    return [post for post in result["posts"] if post["kind"] == "commentary"][0]


# --- the sample -------------------------------------------------------------------------


def test_sample_matches_the_expected_reading():
    result = parse_text(SAMPLE)
    assert result.to_dict() == EXPECTED
    assert result.unclassified == []


def test_parse_returns_the_posts_with_their_lines():
    diary, commentary = parse(SAMPLE)
    assert (diary.kind, diary.first_line, diary.last_line) == ("diary", 1, 5)
    assert (commentary.kind, commentary.first_line, commentary.last_line) == ("commentary", 6, 21)
    assert commentary.headline == HEADLINE and len(commentary.blocks) == 4


# --- variations of the same post ---------------------------------------------------------


def curly(number: int, line: str) -> str:
    if line.startswith('"') and line.endswith('"'):
        return f"“{line[1:-1]}”"
    return line


def unquoted(number: int, line: str) -> str:
    return line.strip('"')


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(SAMPLE.replace("\n", "\r\n"), id="crlf"),
        pytest.param(SAMPLE.replace("\n", "\r"), id="old-mac-cr"),
        pytest.param("\ufeff" + SAMPLE + "\n", id="bom-and-final-newline"),
        pytest.param(with_lines(curly), id="curly-quotes"),
        pytest.param(with_lines(unquoted), id="no-quotes"),
        pytest.param(with_lines(lambda n, line: f"  \t{line}\u3000 "), id="stray-whitespace"),
        pytest.param(
            "\n\n" + with_lines(lambda n, line: line if n < 6 else f"\n{line}\n") + "\n\n\n",
            id="blank-lines-in-the-commentary",
        ),
        pytest.param(
            with_lines(lambda n, line: "" if n == 7 else line), id="headline-not-repeated"
        ),
        pytest.param(
            with_lines(lambda n, line: f'기사제목: "{HEADLINE}"' if n == 6 else line),
            id="quoted-headline",
        ),
        pytest.param(
            with_lines(lambda n, line: "기사제목:" if n == 6 else line),
            id="headline-on-the-next-line",
        ),
        pytest.param(
            with_lines(lambda n, line: "기사 제목 : " + HEADLINE if n == 6 else line),
            id="spaced-headline-marker",
        ),
    ],
)
def test_variations_read_like_the_sample(text):
    result = parse_text(text)
    assert result.to_dict() == EXPECTED
    assert result.unclassified == []


@pytest.mark.parametrize(
    "marker",
    ["해석 :", "해석)", "해석 )", "번역:", "번역 :", "해석：", "(해석)", "[번역]", "해석 -"],
)
def test_translation_marker_variants(marker):
    text = SAMPLE.replace("해석:", marker)
    assert reading(text) == EXPECTED


def test_blank_lines_everywhere_keep_the_diary_paragraphs():
    result = reading("\n\n".join(SAMPLE_LINES))
    diary = result["posts"][0]
    assert diary["body"] == EXPECTED["posts"][0]["body"].replace("\n", "\n\n")
    assert result["posts"][1] == EXPECTED["posts"][1]


def test_no_blank_lines_and_many_blank_lines_in_the_diary():
    result = reading('첫 줄\n\n\n\n둘째 문단\n\n\n기사제목: Headline\n"Quote."\n해석: 인용.')
    assert result["posts"][0]["body"] == "첫 줄\n\n둘째 문단"


@pytest.mark.parametrize(
    ("line", "summary"),
    [
        ("기사를 요약하자면 AI 투자가 늘었다.", "기사를 요약하자면 AI 투자가 늘었다."),
        ("요약하자면, AI 투자가 늘었다.", "요약하자면, AI 투자가 늘었다."),
        ("요약: AI 투자가 늘었다.", "AI 투자가 늘었다."),
        ("요약 : AI 투자가 늘었다.", "AI 투자가 늘었다."),
        ("기사 요약) AI 투자가 늘었다.", "AI 투자가 늘었다."),
    ],
)
def test_summary_markers(line, summary):
    text = f'기사제목: Headline\n"A quote."\n해석: 인용.\n{line}\nSpending grew.\n둘째 줄'
    post = commentary_part(reading(text))
    assert post["summary"] == f"{summary}\nSpending grew.\n둘째 줄"
    assert len(post["blocks"]) == 1


def test_summary_label_alone_takes_the_next_lines():
    post = commentary_part(reading('기사제목: H\n"Q."\n해석: 번역.\n요약:\n첫째.\n둘째.'))
    assert post["summary"] == "첫째.\n둘째."


# --- structure ---------------------------------------------------------------------------


TWO_COMMENTARIES = """오늘은 필라테스.
몸이 무겁다.
기사제목: First headline
"The first quote."
해석: 첫 번째 인용.
첫 번째 생각.
기사를 요약하자면 첫 기사.
---
사이에 쓴 일기.

둘째 문단.
기사제목: Second headline
Second headline
“The second quote.”
번역: 두 번째 인용.
An English line nobody translated.
요약: 두 번째 기사.
"""


def test_two_commentaries_with_diary_text_between():
    result = parse_text(TWO_COMMENTARIES)
    assert [post.kind for post in result.posts] == ["diary", "commentary", "diary", "commentary"]
    first_diary, first, between, second = result.to_dict()["posts"]
    assert first_diary["body"] == "오늘은 필라테스.\n몸이 무겁다."
    assert first["article"] == {"headline": "First headline"}
    assert first["blocks"] == [
        {"quote": "The first quote.", "translation": "첫 번째 인용.", "opinion": "첫 번째 생각."}
    ]
    assert first["summary"] == "기사를 요약하자면 첫 기사."
    assert between["body"] == "사이에 쓴 일기.\n\n둘째 문단."
    assert second["article"] == {"headline": "Second headline"}
    assert second["lead"] == ""
    assert second["blocks"] == [
        {"quote": "The second quote.", "translation": "두 번째 인용.", "opinion": ""},
        {"quote": "An English line nobody translated.", "translation": "", "opinion": ""},
    ]
    assert second["summary"] == "두 번째 기사."
    assert [(p.first_line, p.last_line) for p in result.posts] == [
        (1, 2),
        (3, 7),
        (9, 11),
        (12, 17),
    ]
    assert result.unclassified == []


def test_separator_splits_diary_entries():
    result = reading("첫 일기\n***\n둘째 일기\n=====\n")
    assert [post["body"] for post in result["posts"]] == ["첫 일기", "둘째 일기"]


def test_english_line_without_translation_is_a_block_of_its_own():
    post = commentary_part(reading('기사제목: H\n"One."\n"Two."\n해석: 둘.\n생각.'))
    assert post["blocks"] == [
        {"quote": "One.", "translation": "", "opinion": ""},
        {"quote": "Two.", "translation": "둘.", "opinion": "생각."},
    ]


def test_korean_right_after_a_quote_is_the_opinion():
    post = commentary_part(reading('기사제목: H\n"One."\n이건 중요한 문장이다.'))
    assert post["blocks"] == [
        {"quote": "One.", "translation": "", "opinion": "이건 중요한 문장이다."}
    ]


def test_lead_is_unquoted_english_before_the_first_quote():
    text = "기사제목: H\nFirst paragraph.\nIt goes on.\nQuote without quotes.\n해석: 인용."
    post = commentary_part(reading(text))
    assert post["lead"] == "First paragraph.\nIt goes on."
    assert post["blocks"] == [
        {"quote": "Quote without quotes.", "translation": "인용.", "opinion": ""}
    ]


def test_quote_over_several_lines():
    text = "기사제목: H\n“Days after the news,\nthe executives defended\nthe spending.”\n해석: 후."
    post = commentary_part(reading(text))
    assert post["blocks"] == [
        {
            "quote": "Days after the news, the executives defended the spending.",
            "translation": "후.",
            "opinion": "",
        }
    ]


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        ('"Too much capital expenditure".', "Too much capital expenditure."),
        ("‘Single quoted.’", "Single quoted."),
        ('"Not enough," he said.', '"Not enough," he said.'),
        ("It's not enough.", "It's not enough."),
    ],
)
def test_quote_marks_around_a_quote(line, quote):
    post = commentary_part(reading(f"기사제목: H\n{line}\n해석: 번역."))
    assert post["blocks"][0]["quote"] == quote


def test_translation_in_quotes_and_on_the_next_line():
    post = commentary_part(reading('기사제목: H\n"A."\n해석: "가."\n"B."\n해석:\n나.\n생각.'))
    assert post["blocks"] == [
        {"quote": "A.", "translation": "가.", "opinion": ""},
        {"quote": "B.", "translation": "나.", "opinion": "생각."},
    ]


def test_article_address_and_outlet():
    text = '기사제목: H\nhttps://www.reuters.com/technology/ai\n출처: Reuters\n"Q."\n해석: 번.'
    post = commentary_part(reading(text))
    assert post["article"] == {
        "headline": "H",
        "outlet": "Reuters",
        "url": "https://www.reuters.com/technology/ai",
    }
    assert post["blocks"] == [{"quote": "Q.", "translation": "번.", "opinion": ""}]


def test_an_address_in_an_opinion_stays_in_the_opinion():
    text = '기사제목: H\nhttps://a.example/1\n"Q."\n해석: 번.\n참고:\nhttps://b.example/2'
    post = commentary_part(reading(text))
    assert post["article"]["url"] == "https://a.example/1"
    assert post["blocks"][0]["opinion"] == "참고:\nhttps://b.example/2"


# --- what cannot be placed is reported --------------------------------------------------


def unclassified(text: str) -> list[tuple[int, str, str]]:
    return [(line.number, line.text, line.reason) for line in parse_text(text).unclassified]


def test_translation_without_a_quote_is_reported_with_its_line():
    text = '일기\r\n\r\n기사제목: H\r\n해석: 고아 번역\r\n"Q."\r\n해석: 번역.'
    assert unclassified(text) == [(4, "해석: 고아 번역", "translation_without_quote")]
    post = commentary_part(reading(text))
    assert post["blocks"] == [{"quote": "Q.", "translation": "번역.", "opinion": ""}]


def test_second_translation_is_reported():
    text = '기사제목: H\n"Q."\n해석: 하나.\n생각.\n해석: 둘.'
    assert unclassified(text) == [(5, "해석: 둘.", "second_translation")]


def test_korean_before_the_first_quote_is_reported():
    text = '기사제목: H\n이 기사는 재밌다.\n"Q."'
    assert unclassified(text) == [(2, "이 기사는 재밌다.", "korean_before_quote")]


def test_line_without_letters_before_a_translation_is_reported():
    assert unclassified('기사제목: H\n"Q."\n***!\n해석: 번.') == [(3, "***!", "unplaced")]


def test_headline_marker_without_a_headline_is_reported():
    result = parse_text("일기\n기사제목:\n---\n다음 일기")
    assert [(line.number, line.reason) for line in result.unclassified] == [(2, "no_headline")]
    assert [post.body for post in result.posts] == ["일기", "다음 일기"]


def test_overlong_headline_is_cut_and_reported():
    result = parse_text("기사제목: " + "Long " * 100)
    assert len(result.posts[0].headline) <= 300
    assert result.unclassified[0].reason == "headline_too_long"


@pytest.mark.parametrize("text", ["", "   ", "\r\n\r\n", "\ufeff", "---\n\n***"])
def test_empty_input_gives_no_posts(text):
    result = parse_text(text)
    assert result.posts == [] and result.unclassified == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For AI right now, there's too much capital expenditure.", "en"),
        ("DeepSeek의 빠른 발전은 미국이 AI 분야에서", "ko"),
        ("Meta의 CEO는 AI spending을 방어했다", "ko"),
        ("I finally tried 김치 today", "en"),
        ("ㅋㅋㅋ", "ko"),
        ("2025. 1. 30.", ""),
        ("...", ""),
    ],
)
def test_language_is_the_share_of_hangul(text, expected):
    assert language(text) == expected


# --- lines the parser asks about ----------------------------------------------------------

SUMMARY_LINE = EXPECTED["posts"][1]["blocks"][3]["quote"]  # "U.S. tech giants … profitability."


def test_the_samples_english_summary_is_asked_about_not_guessed():
    result = parse_text(SAMPLE)
    assert result.to_dict() == EXPECTED  # read as a quote until the owner answers
    assert [(q.number, q.text, q.block) for q in result.questions] == [(18, SUMMARY_LINE, 3)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('기사제목: H\n"In quote marks, alone."\n요약: 요약.', id="quote-marks"),
        pytest.param("기사제목: H\nNo quote marks.\n해석: 번역.", id="translated"),
        pytest.param("기사제목: H\nNo quote marks.\n이건 중요하다.", id="with-an-opinion"),
        pytest.param(TWO_COMMENTARIES.split("---")[0], id="two-clear-blocks"),
    ],
)
def test_clear_quotes_are_not_asked_about(text):
    assert parse_text(text).questions == []


def test_an_english_line_nobody_translated_is_asked_about():
    second = parse(TWO_COMMENTARIES)[3]
    assert [(q.number, q.block) for q in second.questions] == [(16, 1)]


def test_answering_summary_moves_the_line_to_the_start_of_the_summary():
    commentary = parse(SAMPLE)[1]
    answered = commentary.answered({3})
    assert [b.quote for b in answered.blocks] == [b.quote for b in commentary.blocks[:3]]
    assert answered.summary == f"{SUMMARY_LINE}\n\n{EXPECTED['posts'][1]['summary']}"
    assert answered.questions == []
    assert len(commentary.blocks) == 4 and commentary.answered(set()) is commentary


# --- dates in the text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "when"),
    [
        ("2025-01-30", (date(2025, 1, 30), None)),
        ("2025.01.30", (date(2025, 1, 30), None)),
        ("2025. 1. 30.", (date(2025, 1, 30), None)),
        ("2025/1/30 21:05", (date(2025, 1, 30), time(21, 5))),
        ("2025년 1월 30일", (date(2025, 1, 30), None)),
        ("2025년 1월 30일 목요일", (date(2025, 1, 30), None)),
        ("2025년 1월 30일 (목) 오후 9시 5분", (date(2025, 1, 30), time(21, 5))),
        ("2025.1.30 오전 12:10", (date(2025, 1, 30), time(0, 10))),
        ("날짜: 2025-01-30", (date(2025, 1, 30), None)),
    ],
)
def test_a_line_that_is_only_a_date(line, when):
    assert date_line(line) == when


@pytest.mark.parametrize(
    "line",
    ["2025-02-30", "2025-01-30 필라테스 했다", "오늘은 2025-01-30", "2025-01-30 25:00", "1월 30일"],
)
def test_lines_that_are_not_only_a_date(line):
    assert date_line(line) is None


DATED = """2025-01-30
첫 일기.
2025. 1. 31. 오후 9:30
둘째 일기.

2025년 2월 1일
기사제목: Headline
"Quote."
해석: 인용.
생각.
2025-02-02
셋째 일기.
"""


def test_a_date_line_starts_a_post_written_then():
    result = parse_text(DATED)
    assert [(p.kind, p.written_on, p.written_at) for p in result.posts] == [
        ("diary", date(2025, 1, 30), None),
        ("diary", date(2025, 1, 31), time(21, 30)),
        ("commentary", date(2025, 2, 1), None),
        ("diary", date(2025, 2, 2), None),
    ]
    assert [p.body for p in result.posts if p.kind == "diary"] == [
        "첫 일기.",
        "둘째 일기.",
        "셋째 일기.",
    ]
    assert result.posts[2].blocks[0].opinion == "생각."
    assert [(p.first_line, p.date_line) for p in result.posts] == [(1, 1), (3, 3), (7, 6), (11, 11)]
    assert result.unclassified == []


def test_a_date_between_the_headline_and_the_first_quote_dates_the_commentary():
    [post] = parse('기사제목: H\n2025년 2월 1일 토요일\n"Q."\n해석: 번.')
    assert (post.written_on, post.date_line, len(post.blocks)) == (date(2025, 2, 1), 2, 1)


@pytest.mark.parametrize("text", ["일기\n2025-01-30\n---\n다음", "일기\n2025-01-30\n\n"])
def test_a_date_with_no_post_after_it_is_reported(text):
    assert unclassified(text) == [(2, "2025-01-30", "date_without_post")]
    assert [post.written_on for post in parse(text)] == [None] * len(parse(text))


# --- reading a file's bytes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(SAMPLE.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(SAMPLE.encode("utf-16"), "utf-16", id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16", id="utf-16-be"),
        pytest.param(SAMPLE.encode("cp949"), "cp949", id="cp949"),
        pytest.param(SAMPLE.encode("euc-kr"), "cp949", id="euc-kr"),
    ],
)
def test_decode_text_reads_the_encodings_of_korean_files(data, encoding):
    assert decode_text(data) == (SAMPLE, encoding)


def test_decode_text_reads_cp949s_own_syllables():
    text = "똠방각하는 뷁을 외쳤다."  # 똠 and 뷁 are in CP949, not in EUC-KR
    assert decode_text(text.encode("cp949")) == (text, "cp949")


# The start of a real PNG (its IHDR chunk holds NUL bytes).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(PNG, "binary", id="png"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "binary", id="zip"),
        pytest.param("일기\x01\x02".encode(), "binary", id="control-characters"),
        pytest.param("日本語のテキストです。".encode("shift_jis"), "encoding", id="shift-jis"),
        pytest.param("café au lait, naïve".encode("latin-1"), "encoding", id="latin-1"),
        pytest.param(b"\xff\xfe\x00", "encoding", id="broken-utf-16"),
    ],
)
def test_decode_text_refuses_what_is_not_korean_text(data, reason):
    with pytest.raises(NotText) as refusal:
        decode_text(data)
    assert refusal.value.reason == reason


def test_decode_text_keeps_a_dos_end_of_file_mark():
    assert decode_text("일기\r\n\x1a".encode("cp949")).text == "일기\r\n\x1a"


# --- posts that look like posts already on the site ------------------------------------------


def test_look_alikes_share_the_headline_or_the_opening_text(app, make_entry, make_commentary):
    diary_body = EXPECTED["posts"][0]["body"]
    # Spaced and ended otherwise: the first OPENING_CHARACTERS are the same.
    edited = diary_body.replace("\n", "  ", 2)[: OPENING_CHARACTERS + 5] + " (고쳐 쓴 끝)"
    same_opening = make_entry(body=edited)
    make_entry(body="필라테스할때마다 다른 이야기.")  # the same first word only
    same_headline = make_commentary(f"{HEADLINE.upper()} ", [{"quote": "Other."}])
    with app.app_context():
        matches = look_alikes(parse(SAMPLE))
        assert [post.id for post in matches] == [same_opening, same_headline]
        assert look_alikes(parse("기사제목: Another headline\n---\n다른 일기")) == [None, None]


def test_a_post_in_the_trash_is_no_look_alike(app, make_commentary):
    trashed = make_commentary(HEADLINE, [{"quote": "Q."}])
    with app.app_context():
        saving.trash(db.session.get(Post, trashed))
        db.session.commit()
        assert look_alikes(parse(SAMPLE)) == [None, None]


# --- saving drafts ------------------------------------------------------------------------


def test_save_as_drafts_creates_draft_posts_with_revisions_and_index(app):
    with app.app_context():
        posts = save_as_drafts(parse(SAMPLE))
        db.session.commit()
        ids = [post.id for post in posts]
        diary = db.session.get(DiaryEntry, ids[0])
        commentary = db.session.get(Commentary, ids[1])
        assert diary.title == "" and diary.body == EXPECTED["posts"][0]["body"]
        assert commentary.title == HEADLINE
        assert commentary.lead == EXPECTED["posts"][1]["lead"]
        assert [
            {"quote": b.quote, "translation": b.translation, "opinion": b.opinion}
            for b in commentary.blocks
        ] == EXPECTED["posts"][1]["blocks"]
        assert commentary.body == EXPECTED["posts"][1]["summary"]
        assert "<p>" in commentary.body_html and commentary.excerpt
        for post in (diary, commentary):
            assert post.visibility == Visibility.DRAFT and post.published_at is None
            assert post.version == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Revision)) == 2
        hits = search.search("몸무게", include_hidden=True).hits
        assert [hit.post.id for hit in hits] == [diary.id]
        assert search.search("몸무게", include_hidden=False).hits == []


# --- the command --------------------------------------------------------------------------


def run(runner, *args):
    return runner.invoke(import_text_command, [str(arg) for arg in args])


def count_posts(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Post))


def test_command_imports_the_sample_as_drafts(app, runner, client, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "1 diary entries, 1 commentaries (4 blocks)" in result.output
    assert "not imported" not in result.output
    with app.app_context():
        posts = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        assert [(post.kind, post.visibility) for post in posts] == [
            ("diary", Visibility.DRAFT),
            ("commentary", Visibility.DRAFT),
        ]
        ids = [post.id for post in posts]
    assert client.get(f"/diary/{ids[0]}").status_code == 404
    assert client.get(f"/commentary/{ids[1]}").status_code == 404
    assert HEADLINE not in client.get("/commentary/").text


def test_command_lists_unclassified_lines(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text('기사제목: H\n해석: 고아 번역\n"Q."\n', encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 0
    assert "Line 2 not imported" in result.output and "해석: 고아 번역" in result.output
    assert count_posts(app) == 1


def test_command_dry_run_saves_nothing(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0 and "1 commentaries (4 blocks)" in result.output
    assert count_posts(app) == 0


def test_command_refuses_a_missing_file(app, runner, tmp_path):
    result = run(runner, tmp_path / "nowhere.txt")
    assert result.exit_code != 0 and "No such file" in result.output


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n  \r\n", "기사제목:\n".encode()])
def test_command_refuses_a_file_without_posts(app, runner, tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    result = run(runner, path)
    assert result.exit_code != 0 and "Nothing in" in result.output
    assert count_posts(app) == 0


def test_command_reads_cp949_by_itself_and_says_so(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(SAMPLE.encode("cp949"))
    result = run(runner, path)
    assert result.exit_code == 0 and "CP949" in result.output
    assert count_posts(app) == 2


def test_command_reads_another_encoding_when_told(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("일기 하나".encode("utf-16-le"))  # no BOM: not told, it is refused
    assert run(runner, path).exit_code != 0
    result = run(runner, path, "--encoding", "utf-16-le")
    assert result.exit_code == 0 and count_posts(app) == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [(PNG, "is not a text file"), ("日本語のテキストです。".encode("shift_jis"), "--encoding")],
)
def test_command_refuses_what_it_cannot_read(app, runner, tmp_path, content, said):
    path = tmp_path / "old.txt"
    path.write_bytes(content)
    result = run(runner, path)
    assert result.exit_code != 0 and said in result.output
    assert count_posts(app) == 0


def test_command_dates_the_posts_and_names_the_lines_it_is_unsure_of(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text(DATED + "---\n" + SAMPLE, encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Line 1: the post is dated 2025-01-30." in result.output
    assert f"Line {13 + 18}" in result.output and SUMMARY_LINE in result.output
    with app.app_context():
        first = db.session.scalars(db.select(Post).order_by(Post.id)).first()
        assert first.visibility == Visibility.DRAFT
        assert first.published_at == datetime(2025, 1, 29, 15, 0, tzinfo=UTC)  # 0:00 in Seoul


# --- the owner's page ---------------------------------------------------------------------


def field(text: str, post: int, name: str) -> str:
    """The name of a preview field of the `post`-th post (from 0) read from `text`."""
    return f"post-{parse(text)[post].key}-{name}"


SAMPLE_ANSWER = field(SAMPLE, 1, "q1-answer")  # is the English line a summary or a quote?
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def value_of(page: str, name: str, post: int | None = None) -> str | None:
    """The value of the page's input of this name (in the `post`-th previewed post, from 1);
    the checked one of radio buttons; None when there is none or it is blank."""
    scope = f'//*[@id="import-post-{post}"]' if post else ""
    inputs = lxml_html.fromstring(page).xpath(f'{scope}//input[@name="{name}"]')
    if inputs and inputs[0].get("type") == "radio":
        inputs = [element for element in inputs if element.get("checked") is not None]
    return (inputs[0].get("value") or None) if inputs else None


def upload(
    client, data: bytes, name="old.txt", path="/admin/import", headers=SAME_ORIGIN, **fields
):
    """A file sent from the import page (the text box before it, as a browser sends it).
    Encoded in memory: the test client spools a large body to a file it never closes."""
    file = FileStorage(io.BytesIO(data), filename=name, content_type="text/plain")
    boundary, body = encode_multipart({"text": "", **fields, "file": file})
    return client.post(
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def read_as(app, encoding: str, name: str) -> str:
    """What the page says of a file read in this encoding."""
    with app.app_context():
        return shown(app, READ_AS[encoding] % {"name": name})


def textarea(page: str) -> str:
    """What the page's text box holds (WTForms adds a newline after the opening tag)."""
    content = re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", page, re.S).group(1)
    return html.unescape(content)


def test_import_page_is_owner_only(client, owner):
    assert client.get("/admin/import").status_code == 302
    response = client.post("/admin/import", data={"text": SAMPLE, "save": "y"})
    assert response.status_code == 403  # a POST that does not prove it came from our pages


def test_import_page_shows_the_form(client, auth):
    auth.login()
    page = client.get("/admin/import").text
    assert "<textarea" in page and 'name="text"' in page
    assert 'name="preview"' in page and 'name="save"' in page
    assert 'enctype="multipart/form-data"' in page and '<input accept=".txt,text/plain"' in page
    assert page.index('name="text"') < page.index('name="file"')  # typed text is sent first
    assert 'href="/admin/import" aria-current="page"' in page


def test_preview_shows_posts_blocks_and_keeps_the_text(app, client, auth):
    auth.login()
    response = client.post("/admin/import", data={"text": SAMPLE, "preview": "y"})
    assert response.status_code == 200
    page = response.text
    assert "필라테스할때마다 느끼는거지만," in page
    assert f'<h3 class="post__title" lang="en">{HEADLINE}</h3>' in page
    assert 'id="block-4"' in page and 'id="block-5"' not in page
    assert '<blockquote class="quote" lang="en"><p>For AI right now' in page
    assert "현재 AI 산업에서는 자본 지출이 너무 많고" in page
    assert "수익성이 명확하지 않다는 점에서" in page  # the summary
    assert 'class="lead__text" lang="en"><p>Days after' in page
    assert textarea(page) == SAMPLE
    assert count_posts(app) == 0


def test_preview_points_out_unclassified_lines(client, auth):
    auth.login()
    text = '기사제목: Headline\r\n해석: 고아 번역\r\n"Q."\r\n해석: 번역.'
    page = client.post("/admin/import", data={"text": text, "preview": "y"}).text
    assert 'id="line-2"' in page
    assert '<pre class="conflict__text">해석: 고아 번역</pre>' in page
    assert 'name="keep_going"' in page


def test_preview_of_several_commentaries_keeps_block_anchors_unique(client, auth):
    auth.login()
    page = client.post("/admin/import", data={"text": TWO_COMMENTARIES, "preview": "y"}).text
    ids = re.findall(r'<section class="block" id="([^"]+)"', page)
    assert ids == ["block-2-1", "block-4-1", "block-4-2"]


def test_save_creates_drafts_and_goes_to_the_drafts(app, client, auth):
    auth.login()
    response = client.post(
        "/admin/import", data={"text": SAMPLE, "save": "y", SAMPLE_ANSWER: "quote"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/?state=draft"
    desk = client.get(response.headers["Location"]).text
    assert "flash--success" in desk and HEADLINE in desk
    with app.app_context():
        posts = db.session.scalars(db.select(Post)).all()
        assert sorted(post.kind for post in posts) == ["commentary", "diary"]
        assert {post.visibility for post in posts} == {Visibility.DRAFT}
        assert sum(len(post.blocks) for post in posts if post.kind == "commentary") == 4


def test_save_with_unclassified_lines_needs_consent(app, client, auth):
    auth.login()
    text = '기사제목: Headline\n해석: 고아 번역\n"Q."\n해석: 번역.'
    refused = client.post("/admin/import", data={"text": text, "save": "y"})
    assert refused.status_code == 400 and "flash--error" in refused.text
    assert textarea(refused.text) == text
    assert 'id="line-2"' in refused.text
    assert count_posts(app) == 0
    saved = client.post("/admin/import", data={"text": text, "save": "y", "keep_going": "y"})
    assert saved.status_code == 303 and count_posts(app) == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [("", False), ("   \n  ", False), ("기사제목:\n---", True)],
)
def test_nothing_to_import_keeps_the_text_and_saves_nothing(app, client, auth, text, kept):
    auth.login()
    response = client.post("/admin/import", data={"text": text, "save": "y"})
    assert response.status_code == 400
    if kept:
        assert textarea(response.text) == text and "flash--error" in response.text
    else:
        assert 'aria-invalid="true"' in response.text
    assert count_posts(app) == 0


def test_preview_shows_pasted_markup_as_text(client, auth):
    auth.login()
    text = '기사제목: <b>H</b>\n해석: <script>x()</script>\n"<i>Q</i>"\n해석: 번역.'
    page = client.post("/admin/import", data={"text": text, "preview": "y"}).text
    assert "<script>x()" not in page and "<b>H</b>" not in page and "<i>Q</i>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "&lt;b&gt;H&lt;/b&gt;" in page


def test_a_pasted_post_too_large_to_render_is_refused_and_kept(app, client, auth):
    auth.login()
    table = "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 1000
    response = client.post("/admin/import", data={"text": table, "save": "y"})
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert invalid_fields(response.text) == ["text"]
    assert errors_of(response.text, "text") == [shown(app, TOO_LARGE["steps"])]
    assert "|a|a|a|" in response.text  # the pasted text is still there
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


# --- a file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp949"])
def test_a_file_is_read_into_the_box_and_its_encoding_said(app, client, auth, encoding):
    auth.login()
    response = upload(client, SAMPLE.encode(encoding), name="예전 글.txt", preview="y")
    assert response.status_code == 200
    assert textarea(response.text) == SAMPLE
    [said] = texts_of(response.text, "notice--done")
    assert said.startswith(read_as(app, encoding, "예전 글.txt"))
    assert f'<h3 class="post__title" lang="en">{HEADLINE}</h3>' in response.text
    assert count_posts(app) == 0


def test_a_file_is_said_by_its_name_only(app, client, auth):
    auth.login()
    response = upload(client, SAMPLE.encode(), name="../../<i>old.txt", preview="y")
    [said] = texts_of(response.text, "notice--done")
    assert said.startswith(read_as(app, "utf-8", "<i>old.txt"))
    assert "<i>old" not in response.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(PNG, "binary", id="png"),
        pytest.param("日本語のテキストです。".encode("shift_jis"), "encoding", id="shift-jis"),
    ],
)
def test_a_file_that_is_not_korean_text_is_refused(app, client, auth, data, reason):
    auth.login()
    response = upload(client, data, save="y")
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert invalid_fields(response.text) == ["file"]
    assert errors_of(response.text, "file") == [shown(app, NOT_TEXT[reason])]
    assert count_posts(app) == 0


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf \r\n"])
def test_an_empty_file_is_refused(app, client, auth, data):
    auth.login()
    response = upload(client, data, preview="y")
    assert response.status_code == 400 and invalid_fields(response.text) == ["file"]


def test_a_file_beside_typed_text_is_refused_and_the_text_kept(app, client, auth):
    auth.login()
    response = upload(client, SAMPLE.encode(), text="내가 쓴 일기\n", save="y")
    assert response.status_code == 400
    assert invalid_fields(response.text) == ["file"]
    assert textarea(response.text) == "내가 쓴 일기\n"
    assert count_posts(app) == 0


def test_a_file_over_the_text_limit_is_refused(app, client, auth):
    auth.login()
    response = upload(client, ("일기 " * 70_000).encode("cp949"), preview="y")
    assert response.status_code == 400 and invalid_fields(response.text) == ["file"]
    assert textarea(response.text) == ""


def test_a_file_too_large_keeps_everything_typed_above_it(app, client, auth):
    auth.login()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    date = field(SAMPLE, 0, "date")
    fields = {"text": SAMPLE, date: "2025-01-29", "preview": "y"}
    response = upload(client, b"x" * 100_000, **fields)
    assert response.status_code == 413 and flashes(response.text) == ["error"]
    assert textarea(response.text) == SAMPLE
    assert value_of(response.text, date, post=1) == "2025-01-29"
    assert invalid_fields(response.text) == ["file"] and len(errors_of(response.text, "file")) == 1
    assert count_posts(app) == 0


@pytest.mark.parametrize(
    ("path", "headers", "kept"),
    [
        pytest.param("/admin/import", {}, False, id="not-proven-from-this-site"),
        # Another page's form: the site's 413, with what was typed above the file kept to send
        # again (errors.keep_typed_text), as for any failed POST from the site's own pages.
        pytest.param("/admin/settings", SAME_ORIGIN, True, id="another-page"),
    ],
)
def test_other_bodies_too_large_get_the_sites_413(app, client, auth, path, headers, kept):
    auth.login()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, b"x" * 100_000, path=path, text="보내면 안 되는 글", headers=headers)
    assert response.status_code == 413 and ("보내면 안 되는 글" in response.text) is kept


def test_a_long_text_is_no_413_in_a_multipart_form(app, client, auth):
    """Flask's default limit on one multipart field (500 kB) is below a text the form allows."""
    auth.login()
    text = "가" * 199_000  # 597 kB in UTF-8
    response = upload(client, b"", text=text, preview="y")
    assert response.status_code == 400 and invalid_fields(response.text) == ["file"]
    assert textarea(response.text) == text


def test_a_text_of_more_posts_than_a_form_can_send_back_is_refused_and_kept(app, client, auth):
    """Each post's date fields come back with the next submit, within MAX_FORM_PARTS."""
    auth.login()
    app.config["MAX_FORM_PARTS"] = 40
    text = "\n---\n".join(f"{number}번째 일기." for number in range(1, 12))
    response = client.post("/admin/import", data={"text": text, "preview": "y"})
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert textarea(response.text) == text and "import-post-1" not in response.text
    app.config["MAX_FORM_PARTS"] = 60
    assert client.post("/admin/import", data={"text": text, "preview": "y"}).status_code == 200


# --- the dates -------------------------------------------------------------------------------


def test_preview_gives_each_post_a_date_prefilled_from_its_text(client, auth):
    auth.login()
    page = client.post("/admin/import", data={"text": DATED, "preview": "y"}).text
    assert [value_of(page, field(DATED, n, "date"), post=n + 1) for n in range(4)] == [
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-02",
    ]
    assert value_of(page, field(DATED, 1, "time")) == "21:30"
    assert value_of(page, field(DATED, 0, "time")) is None
    sample = client.post("/admin/import", data={"text": SAMPLE, "preview": "y"}).text
    assert 'type="date"' in sample and value_of(sample, field(SAMPLE, 0, "date")) is None


def test_a_date_the_owner_cleared_stays_clear(client, auth):
    auth.login()
    data = {"text": DATED, "preview": "y", field(DATED, 0, "date"): ""}
    page = client.post("/admin/import", data=data).text
    assert value_of(page, field(DATED, 0, "date")) is None
    assert value_of(page, field(DATED, 1, "date")) == "2025-01-31"


def test_saved_drafts_get_the_dates_given_in_the_preview(app, client, auth):
    auth.login()
    data = {
        "text": SAMPLE,
        "save": "y",
        SAMPLE_ANSWER: "quote",
        field(SAMPLE, 0, "date"): "2025-01-29",
        field(SAMPLE, 1, "date"): "2025-01-30",
        field(SAMPLE, 1, "time"): "21:05",
    }
    assert client.post("/admin/import", data=data).status_code == 303
    with app.app_context():
        posts = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        assert [(post.visibility, post.published_at) for post in posts] == [
            (Visibility.DRAFT, datetime(2025, 1, 28, 15, 0, tzinfo=UTC)),  # Seoul is UTC+9
            (Visibility.DRAFT, datetime(2025, 1, 30, 12, 5, tzinfo=UTC)),
        ]
        assert [revision.data["published_at"] for revision in posts[1].revisions] == [
            "2025-01-30T12:05:00+00:00"
        ]
    auth.logout()
    assert HEADLINE not in client.get("/commentary/").text
    assert HEADLINE not in client.get("/feed.xml").text


@pytest.mark.parametrize(
    ("typed", "invalid"),
    [
        pytest.param({"date": "2999-01-01"}, "date", id="future"),
        pytest.param({"date": "1960-01-01"}, "date", id="before-1970"),
        pytest.param({"date": "2025-02-30"}, "date", id="no-such-day"),
        pytest.param({"time": "21:00"}, "time", id="time-without-date"),
        pytest.param({"date": "2025-01-30", "time": "25:00"}, "time", id="no-such-time"),
    ],
)
def test_a_wrong_date_is_refused_keeping_everything(app, client, auth, typed, invalid):
    auth.login()
    data = {"text": SAMPLE, "save": "y", SAMPLE_ANSWER: "summary"}
    data.update({field(SAMPLE, 0, name): value for name, value in typed.items()})
    response = client.post("/admin/import", data=data)
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert invalid_fields(response.text) == [field(SAMPLE, 0, invalid)]
    for name, value in typed.items():
        assert value_of(response.text, field(SAMPLE, 0, name)) == value
    assert value_of(response.text, SAMPLE_ANSWER) == "summary"
    assert textarea(response.text) == SAMPLE
    assert count_posts(app) == 0


def test_dates_stay_with_their_posts_when_the_text_changes(client, auth):
    auth.login()
    text = "위에 새로 넣은 일기.\n---\n" + SAMPLE.replace("식단도 해야지..", "식단도 해야지!")
    data = {"text": text, "preview": "y", field(SAMPLE, 0, "date"): "2025-01-29"}
    page = client.post("/admin/import", data=data).text
    assert value_of(page, field(text, 1, "date"), post=2) == "2025-01-29"
    assert value_of(page, field(text, 0, "date"), post=1) is None


# --- posts already on the site ---------------------------------------------------------------


def test_a_look_alike_is_marked_in_the_preview(app, client, auth, make_commentary):
    existing = make_commentary(HEADLINE, [{"quote": "Q."}])
    auth.login()
    page = client.post("/admin/import", data={"text": SAMPLE, "preview": "y"}).text
    duplicate = field(SAMPLE, 1, "duplicate")
    assert [
        e.get("value")
        for e in lxml_html.fromstring(page).xpath(
            f'//*[@id="import-post-2"]//input[@name="{duplicate}"]'
        )
    ] == ["skip", "import"]
    assert value_of(page, duplicate) is None  # no choice made for the owner
    assert f'href="/commentary/{existing}-' in page
    assert field(SAMPLE, 0, "duplicate") not in page


@pytest.mark.parametrize(("choice", "posts"), [("skip", 2), ("import", 3)])
def test_saving_a_look_alike_needs_the_owners_choice(app, client, auth, make_entry, choice, posts):
    make_entry(body=EXPECTED["posts"][0]["body"])
    auth.login()
    duplicate = field(SAMPLE, 0, "duplicate")
    data = {"text": SAMPLE, "save": "y", SAMPLE_ANSWER: "quote"}
    refused = client.post("/admin/import", data=data)
    assert refused.status_code == 400 and flashes(refused.text) == ["error"]
    assert errors_of(refused.text, duplicate) == [shown(app, ANSWER_NEEDED)]
    assert "<q>필라테스할때마다 느끼는거지만," in refused.text  # an untitled entry by its opening
    assert count_posts(app) == 1
    saved = client.post("/admin/import", data={**data, duplicate: choice})
    assert saved.status_code == 303 and count_posts(app) == posts


def test_skipping_every_post_saves_nothing(app, client, auth, make_commentary):
    make_commentary(HEADLINE, [{"quote": "Q."}])
    auth.login()
    text = SAMPLE[SAMPLE.index("기사제목") :]
    data = {"text": text, "save": "y", field(text, 0, "q1-answer"): "quote"}
    response = client.post("/admin/import", data={**data, field(text, 0, "duplicate"): "skip"})
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert textarea(response.text) == text and count_posts(app) == 1


# --- the lines the parser is unsure of -------------------------------------------------------


def test_the_unsure_line_is_a_question_with_a_choice(client, auth):
    auth.login()
    page = client.post("/admin/import", data={"text": SAMPLE, "preview": "y"}).text
    radios = lxml_html.fromstring(page).xpath(f'//input[@name="{SAMPLE_ANSWER}"]')
    assert [(r.get("type"), r.get("value")) for r in radios] == [
        ("radio", "summary"),
        ("radio", "quote"),
    ]
    assert value_of(page, SAMPLE_ANSWER) is None  # not guessed
    [question] = lxml_html.fromstring(page).xpath('//fieldset[contains(@class, "import-question")]')
    assert SUMMARY_LINE in question.text_content()
    # Reached from the list of choices at the top and from the quote it is about.
    assert question.get("id") == f"{SAMPLE_ANSWER}-choice"
    assert page.count(f'href="#{SAMPLE_ANSWER}-choice"') == 2


def test_saving_waits_for_the_answer(app, client, auth):
    auth.login()
    response = client.post("/admin/import", data={"text": SAMPLE, "save": "y"})
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert errors_of(response.text, SAMPLE_ANSWER) == [shown(app, ANSWER_NEEDED)]
    assert textarea(response.text) == SAMPLE
    assert count_posts(app) == 0


@pytest.mark.parametrize(
    ("answer", "quotes", "summary"),
    [
        ("quote", 4, EXPECTED["posts"][1]["summary"]),
        ("summary", 3, f"{SUMMARY_LINE}\n\n{EXPECTED['posts'][1]['summary']}"),
    ],
)
def test_the_answer_decides_how_the_line_is_saved(app, client, auth, answer, quotes, summary):
    auth.login()
    preview = client.post(
        "/admin/import", data={"text": SAMPLE, "preview": "y", SAMPLE_ANSWER: answer}
    ).text
    assert value_of(preview, SAMPLE_ANSWER) == answer
    assert (f'id="block-{quotes}"' in preview, f'id="block-{quotes + 1}"' in preview) == (
        True,
        False,
    )
    data = {"text": SAMPLE, "save": "y", SAMPLE_ANSWER: answer}
    assert client.post("/admin/import", data=data).status_code == 303
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert len(commentary.blocks) == quotes and commentary.body == summary


# --- a text changed after its preview ---------------------------------------------------------


def test_a_text_changed_after_its_preview_is_shown_again_before_saving(app, client, auth):
    auth.login()
    preview = client.post("/admin/import", data={"text": SAMPLE, "preview": "y"}).text
    changed = SAMPLE + "\n추가한 줄."
    data = {"text": changed, "previewed": value_of(preview, "previewed"), "save": "y"}
    data[SAMPLE_ANSWER] = "quote"
    refused = client.post("/admin/import", data=data)
    assert refused.status_code == 400 and flashes(refused.text) == ["error"]
    assert textarea(refused.text) == changed and count_posts(app) == 0
    data["previewed"] = value_of(refused.text, "previewed")
    assert client.post("/admin/import", data=data).status_code == 303


# --- the owner's real post, from an old file ---------------------------------------------------


def test_the_owners_post_imports_from_a_cp949_file_with_its_dates(app, client, auth):
    auth.login()
    preview = upload(client, SAMPLE.encode("cp949"), name="블로그 글.txt", preview="y")
    assert preview.status_code == 200 and "CP949" in texts_of(preview.text, "notice--done")[0]
    assert value_of(preview.text, SAMPLE_ANSWER) is None  # asked, not guessed
    data = {
        "text": textarea(preview.text),
        "previewed": value_of(preview.text, "previewed"),
        "save": "y",
        field(SAMPLE, 0, "date"): "2025-01-29",
        field(SAMPLE, 1, "date"): "2025-01-30",
        field(SAMPLE, 1, "time"): "08:30",
    }
    unanswered = client.post("/admin/import", data=data)
    assert unanswered.status_code == 400 and count_posts(app) == 0
    saved = client.post("/admin/import", data={**data, SAMPLE_ANSWER: "summary"})
    assert saved.status_code == 303
    with app.app_context():
        diary, commentary = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        assert diary.body == EXPECTED["posts"][0]["body"]
        assert commentary.title == HEADLINE and commentary.lead == EXPECTED["posts"][1]["lead"]
        assert [
            {"quote": b.quote, "translation": b.translation, "opinion": b.opinion}
            for b in commentary.blocks
        ] == EXPECTED["posts"][1]["blocks"][:3]
        assert commentary.body.startswith(SUMMARY_LINE + "\n\n기사를 요약하자면")
        assert [(p.visibility, p.published_at) for p in (diary, commentary)] == [
            (Visibility.DRAFT, datetime(2025, 1, 28, 15, 0, tzinfo=UTC)),
            (Visibility.DRAFT, datetime(2025, 1, 29, 23, 30, tzinfo=UTC)),
        ]
