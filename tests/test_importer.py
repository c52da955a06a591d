"""Import of the old plain-text posts: the parser, drafts, the command and the owner's page."""

import html
import json
import re
from pathlib import Path

import pytest

from blog import search
from blog.extensions import db
from blog.forms import TOO_LARGE
from blog.models import Commentary, DiaryEntry, Post, Revision, Visibility
from blog.portability.import_text import (
    import_text_command,
    language,
    parse,
    parse_text,
    save_as_drafts,
)

from .markup import errors_of, flashes, invalid_fields, shown

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


def test_command_reads_other_encodings_only_when_told(app, runner, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(SAMPLE.encode("cp949"))
    refused = run(runner, path)
    assert refused.exit_code != 0 and "--encoding cp949" in refused.output
    assert run(runner, path, "--encoding", "cp949").exit_code == 0
    assert count_posts(app) == 2


# --- the owner's page ---------------------------------------------------------------------


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
    response = client.post("/admin/import", data={"text": SAMPLE, "save": "y"})
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
