"""Search: Korean with particles and two-syllable words, English, parts, visibility, odd input.

The same tests run on SQLite (FTS5) and on PostgreSQL (tsvector) when TEST_DATABASE_URL is set.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html

from blog import search
from blog.extensions import db
from blog.models import Visibility, utcnow
from blog.public.views import QUERY_PROBLEMS

from .conftest import TEST_DATABASE_URL, hidden_state
from .markup import invalid_fields, number_in, shown, text_of, texts_of

DIARY = (
    "필라테스할때마다 느끼는거지만,\n살찌고 코어도 없는 돼지가 된것같다.\n"
    "체중계 샀는데, 진짜 잘샀다.\n왜냐면 충격적인 몸무게를 보았기 때문에...\n식단도 해야지.."
)


HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending"


@pytest.fixture
def commentary_id(make_commentary):
    return make_commentary(
        HEADLINE,
        [
            {
                "quote": "For AI right now, there's too much capital expenditure, "
                "not enough consumption.",
                "translation": "현재 AI 산업에서는 자본 지출이 너무 많고, "
                "실제 소비는 충분하지 않다.",
                "opinion": "투자금액이 작년에 엄청났던거 모두 맞다.",
            },
        ],
        summary="기사를 요약하자면 DeepSeek이 적은 비용으로 AI 모델을 개발했다.",
        published_at=utcnow() - timedelta(hours=2),
    )


@pytest.fixture
def diary_id(make_entry):
    return make_entry(title="필라테스 일기", body=DIARY, tags=["운동"])


def found(client, query, **params):
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200, response.text
    return response.text


def count_shown(page: str) -> int:
    """How many posts the page says it found (none, when it says so with suggestions)."""
    if texts_of(page, "search-empty"):
        assert not texts_of(page, "search-result")
        return 0
    [count] = texts_of(page, "search-count")
    return number_in(count)


def results(page: str) -> list[dict]:
    """Each result: its kind, the part that matched, where it says it matched, its heading
    (and the words marked in it), its snippet (as text and as HTML) and its tag line, if any."""
    shown = []
    for item in html.fromstring(page).xpath('//li[contains(@class, "search-result ")]'):
        snippet = item.xpath('*[@class="search-result__snippet"]')
        tags = item.xpath('*[@class="search-result__tags"]')
        shown.append(
            {
                "kind": item.get("data-kind"),
                "part": item.get("data-part"),
                "where": " ".join(item.xpath("string(*[@class='card__section'])").split()),
                "heading": " ".join(item.xpath("string(h2)").split()),
                "heading_marks": item.xpath(".//h2//mark/text()"),
                "snippet": " ".join(snippet[0].text_content().split()) if snippet else "",
                "marks": [
                    mark.text for mark in item.xpath('.//*[@class="search-result__snippet"]//mark')
                ],
                "tags": " ".join(tags[0].text_content().split()) if tags else "",
                "tag_marks": item.xpath('.//*[@class="search-result__tags"]//mark/text()'),
            }
        )
    return shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("몸무게", "필라테스 일기"),  # inside 몸무게를
        ("식단", "필라테스 일기"),  # two syllables, inside 식단도
        ("체중계", "필라테스 일기"),
        ("필라테스", "필라테스 일기"),
        ("운동", "필라테스 일기"),  # a tag
        ("capital expenditure", HEADLINE),
        ('"capital expenditure"', HEADLINE),
        ("spend", HEADLINE),  # a prefix of spending
        ("CONSUMPTION", HEADLINE),
        ("지출", HEADLINE),  # in a translation
        ("투자금액", HEADLINE),  # in an opinion
        ("요약하자면", HEADLINE),  # in the summary
    ],
)
def test_finds_korean_stems_and_english_words(client, diary_id, commentary_id, query, expected):
    assert [result["heading"] for result in results(found(client, query))] == [expected]


@pytest.mark.parametrize("query", ['"expenditure capital"', "몸무게 capital", "없는말"])
def test_all_words_must_match(client, diary_id, commentary_id, query):
    assert count_shown(found(client, query)) == 0


@pytest.mark.parametrize(
    ("query", "part"),
    [
        ("지출", "translation-1"),
        ("투자금액", "opinion-1"),
        ("capital", "quote-1"),
        ("몸무게", "body"),
    ],
)
def test_results_say_which_part_matched(client, diary_id, commentary_id, query, part):
    [result] = results(found(client, query))
    assert result["part"] == part
    # "<section> · <part>": a block's part says its quote's number ("인용 1 · 번역")
    section, _, part_label = result["where"].partition(" · ")
    assert section and part_label and re.findall(r"\d+", part_label) == re.findall(r"\d+", part)


@pytest.mark.parametrize(
    ("query", "kind", "part", "sentence", "marks"),
    [
        ("몸무게", "diary", "body", "왜냐면 충격적인 몸무게를 보았기 때문에...", ["몸무게"]),
        ("체중계", "diary", "body", "체중계 샀는데, 진짜 잘샀다.", ["체중계"]),
        (
            "capital",
            "commentary",
            "quote-1",
            "For AI right now, there's too much capital expenditure, not enough consumption.",
            ["capital"],
        ),
        (
            "지출",
            "commentary",
            "translation-1",
            "현재 AI 산업에서는 자본 지출이 너무 많고, 실제 소비는 충분하지 않다.",
            ["지출"],
        ),
        (
            "투자금액",
            "commentary",
            "opinion-1",
            "투자금액이 작년에 엄청났던거 모두 맞다.",
            ["투자금액"],
        ),
        (
            "요약하자면",
            "commentary",
            "summary",
            "기사를 요약하자면 DeepSeek이 적은 비용으로 AI 모델을 개발했다.",
            ["요약하자면"],
        ),
    ],
)
def test_the_snippet_is_the_sentence_that_matched_with_the_match_marked(
    client, diary_id, commentary_id, query, kind, part, sentence, marks
):
    [result] = results(found(client, query))
    assert (result["kind"], result["part"], result["snippet"]) == (kind, part, sentence)
    assert result["marks"] == marks


def test_a_word_in_the_text_and_the_tags_shows_the_text_not_the_tag_list(client, make_entry):
    make_entry(body=DIARY, tags=["몸무게", "운동"])
    [result] = results(found(client, "몸무게"))
    assert (
        result["part"] == "body"
        and result["snippet"] == "왜냐면 충격적인 몸무게를 보았기 때문에..."
    )
    assert result["marks"] == ["몸무게"]


def test_a_word_only_in_the_tags_shows_the_tag_marked_and_the_opening_of_the_text(client, diary_id):
    [result] = results(found(client, "운동"))
    assert result["part"] == "tags" and result["tag_marks"] == ["운동"]
    assert result["tags"] == "#운동" and result["snippet"].startswith("필라테스할때마다")


def test_a_word_only_in_the_title_is_marked_there_and_the_text_opens_below(
    client, diary_id, commentary_id
):
    [diary] = results(found(client, "일기"))
    assert diary["part"] == "title" and diary["heading_marks"] == ["일기"]
    assert diary["snippet"].startswith("필라테스할때마다") and not diary["marks"]
    [commentary] = results(found(client, "hefty"))
    assert commentary["heading_marks"] == ["hefty"] and commentary["snippet"].startswith("기사를")


def test_a_title_that_matches_marks_it_and_still_shows_the_sentence_of_the_text(client, diary_id):
    [result] = results(found(client, "필라테스"))
    assert result["heading_marks"] == ["필라테스"] and result["part"] == "body"
    assert result["snippet"] == "필라테스할때마다 느끼는거지만," and result["marks"] == ["필라테스"]


def test_english_words_found_by_their_start_are_marked_whole(client, commentary_id):
    [result] = results(found(client, "consum"))
    assert result["marks"] == ["consumption"]


def test_a_long_sentence_is_cut_around_the_match(client, make_entry):
    make_entry(title="긴 글", body="앞말 " * 60 + "몸무게를 쟀다 " + "뒷말 " * 60)
    [result] = results(found(client, "몸무게"))
    snippet = result["snippet"]
    assert snippet.startswith("…") and snippet.endswith("…") and "몸무게를 쟀다" in snippet
    assert len(snippet) <= 2 * 70 + 2


@pytest.mark.parametrize(
    ("query", "alone"),
    [("몸무게 capital", ["몸무게", "capital"]), ("없는말", [])],
)
def test_an_empty_result_says_so_and_suggests_what_to_try(
    client, diary_id, commentary_id, query, alone
):
    page = found(client, query)
    assert count_shown(page) == 0 and text_of(page, "search-empty")
    tree = html.fromstring(page)
    searches = [
        parse_qs(urlsplit(href).query)["q"][0]
        for href in tree.xpath('//*[@id="search-empty"]//a/@href')
        if href.startswith("/search")
    ]
    assert searches == alone  # each word alone, when several had to meet in one place
    assert tree.xpath('//*[@id="search-empty"]//a[@href="/tags/"]')


def test_snippet_is_highlighted_and_escaped(client, make_entry):
    make_entry(
        title="<b>몸무게</b> 기록", body="앞의 글 <script>alert(1)</script> 그리고 몸무게를 쟀다"
    )
    page = found(client, "몸무게")
    assert "<mark>몸무게</mark>를 쟀다" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;<mark>몸무게</mark>&lt;/b&gt; 기록</a>" in page  # the heading's mark


def test_title_hits_rank_first_then_recency(client, make_entry):
    old_title = make_entry(
        title="식단 기록", body="내용", published_at=utcnow() - timedelta(days=30)
    )
    make_entry(title="새 글", body="오늘 식단은 샐러드", published_at=utcnow() - timedelta(days=1))
    make_entry(title="어제 글", body="식단 실패", published_at=utcnow() - timedelta(days=2))
    headings = [result["heading"] for result in results(found(client, "식단"))]
    assert headings == ["식단 기록", "새 글", "어제 글"]
    assert old_title


@pytest.mark.parametrize("state", ["draft", "private", "scheduled"])
def test_hidden_posts_are_never_found_by_the_public(client, auth, make_entry, state):
    hidden = hidden_state(state)
    make_entry(title="숨은 글", body="비밀스러운 다이어트 기록", **hidden)
    assert "숨은 글" not in found(client, "다이어트")
    auth.login()
    owner_page = found(client, "다이어트")
    assert "숨은 글" in owner_page and 'class="badge' in owner_page


def test_edits_and_deletes_update_the_index(client, auth, make_entry):
    entry_id = make_entry(title="처음", body="사과를 먹었다")
    auth.login()
    client.post(
        f"/diary/{entry_id}/edit",
        data={
            "title": "처음",
            "body": "바나나를 먹었다",
            "tags": "",
            "visibility": "public",
            "published_at": "",
            "version": "1",
        },
    )
    assert "처음" not in found(client, "사과")
    assert "처음" in found(client, "바나나")
    client.post(f"/diary/{entry_id}/delete")
    assert count_shown(found(client, "바나나")) == 0


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        "OR",
        "AND NOT",
        "'; DROP TABLE post; --",
        "\\",
        "몸무게*",
        "a:b",
        "(((",
        "^",
        "-",
        "\x00",
    ],
)
def test_odd_queries_never_fail(client, diary_id, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 400)


def test_invalid_utf8_in_the_query_never_fails(client, diary_id):
    assert client.get("/search?q=%ED%A0%80%FF%E6%B2").status_code in (200, 400)


@pytest.mark.parametrize(
    ("query", "problem"),
    [("가", "too_short"), ("a", "too_short"), ("가" * 1000, "too_long"), ("! ? .", "empty")],
)
def test_bad_queries_get_a_clear_400(app, client, query, problem):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 400 and invalid_fields(response.text) == ["q"]
    assert text_of(response.text, "q-problem") == shown(app, QUERY_PROBLEMS[problem])


def test_empty_query_shows_the_form(client):
    response = client.get("/search")
    assert response.status_code == 200 and 'type="search"' in response.text


def test_results_are_paginated(client, make_entry):
    for number in range(12):
        make_entry(title=f"운동 {number:02d}", body="오늘도 운동")
    first = found(client, "운동")
    assert count_shown(first) == 12 and 'rel="next"' in first
    second = found(client, "운동", page=2)
    assert len(results(second)) == 2 and 'rel="prev"' in second


def test_reindex_command_rebuilds_the_index(app, runner, diary_id):
    with app.app_context():
        db.session.execute(db.text("DELETE FROM search_index"))
        db.session.commit()
    assert "Indexed 1 posts." in runner.invoke(args=["reindex"]).output
    with app.test_client() as client:
        assert "필라테스 일기" in found(client, "몸무게")


def test_an_untitled_entrys_first_part_is_not_taken_for_a_title(client, make_entry):
    make_entry(body="몸무게 기록", tags=["몸무게"], published_at=utcnow() - timedelta(days=2))
    make_entry(title="새 글", body="몸무게를 쟀다", published_at=utcnow() - timedelta(days=1))
    headings = [result["heading"] for result in results(found(client, "몸무게"))]
    assert headings == ["새 글", "몸무게 기록"]  # newest first: neither title matches


def test_words_side_by_side_rank_above_scattered_words(client, make_entry):
    make_entry(title="흩어진 글", body="capital 이야기, 그리고 expenditure 이야기")
    make_entry(
        title="붙은 글",
        body="the capital expenditure was huge",
        published_at=utcnow() - timedelta(days=3),
    )
    make_entry(
        title="Capital expenditure", body="제목에", published_at=utcnow() - timedelta(days=9)
    )
    headings = [result["heading"] for result in results(found(client, "capital expenditure"))]
    assert headings == ["Capital expenditure", "붙은 글", "흩어진 글"]


def test_counting_stops_at_the_limit(app, make_entry, monkeypatch):
    monkeypatch.setattr(search, "RESULT_LIMIT", 3)
    for number in range(5):
        make_entry(title=f"글 {number}", body="오늘도 필라테스")
    with app.app_context():
        results = search.search("필라테스", include_hidden=False, per_page=2)
        assert (results.total, results.more, results.pages) == (3, True, 2)
        assert len(search.search("필라테스", include_hidden=False, page=2, per_page=2).hits) == 2
        few = search.search("필라테스", include_hidden=False, per_page=2)
    monkeypatch.setattr(search, "RESULT_LIMIT", 10)
    with app.app_context():
        assert (search.search("필라테스", include_hidden=False).total, few.more) == (5, True)


def test_hidden_posts_are_not_counted(app, make_entry):
    make_entry(title="공개", body="비밀 일기")
    make_entry(title="초안", body="비밀 일기", visibility=Visibility.DRAFT)
    with app.app_context():
        assert search.search("비밀", include_hidden=False).total == 1
        assert search.search("비밀", include_hidden=True).total == 2


def test_english_words_are_completed_from_every_saved_word(app, make_entry):
    first = make_entry(title="하나", body="Spending grew.")
    with app.app_context():
        assert [hit.post.id for hit in search.search("spend", include_hidden=False).hits] == [first]
    second = make_entry(title="둘", body="The big spender.")
    with app.app_context():
        assert search.search("spend", include_hidden=False).total == 2
        search.reindex()
        assert search.search("spend", include_hidden=False).total == 2
        assert search.search("spends", include_hidden=False).total == 0
    assert second


@pytest.fixture
def common_words(monkeypatch):
    """A word in more posts than the counting limit, on a site of a few posts: the limit at 2
    and (PostgreSQL) the first 10 index rows read to tell, so that postgres._common_word
    ranks it. Yields the calls that ranked a common word (PostgreSQL; SQLite has one way)."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 2)
    monkeypatch.setattr(search.postgres, "COMMON_ROWS", 10)
    ranked_common = []
    common_word = search.postgres._common_word

    def spied(*args):
        answer = common_word(*args)
        ranked_common.append(answer is not None)
        return answer

    monkeypatch.setattr(search.postgres, "_common_word", spied)
    yield ranked_common


def headings_found(query: str, include_hidden: bool = False) -> tuple[list[str], int, bool]:
    """The first page's headings (5 a page: a page the common word's posts fill), the total
    shown and whether there are more."""
    results = search.search(query, include_hidden=include_hidden, per_page=5)
    return [hit.post.title for hit in results.hits], results.total, results.more


def test_a_common_word_ranks_its_titles_first_then_the_newest(app, make_entry, common_words):
    now = utcnow()
    for days, title, body in (
        (40, "필라테스 첫날", "시작"),
        (30, "필라테스 둘째 날", "계속"),
        (5, "닷새 전", "필라테스 수업"),
        (3, "사흘 전", "필라테스 개인 레슨"),
        (1, "어제", "필라테스 복습"),
        (2, "그제", "수영"),
    ):
        make_entry(title=title, body=body, published_at=now - timedelta(days=days))
    make_entry(title="초안", body="필라테스 계획", visibility=Visibility.DRAFT)
    with app.app_context():
        found = headings_found("필라테스")
    assert found == (["필라테스 둘째 날", "필라테스 첫날", "어제", "사흘 전", "닷새 전"], 2, True)
    if TEST_DATABASE_URL:
        assert common_words == [True]


def test_the_owners_undated_title_match_comes_after_the_dated_ones(app, make_entry, common_words):
    now = utcnow()
    make_entry(title="필라테스 계획", body="", visibility=Visibility.DRAFT)  # undated
    make_entry(title="필라테스 후기", body="좋았다", published_at=now - timedelta(days=9))
    for days in (1, 2, 3):
        make_entry(title=f"{days}일 전", body="필라테스", published_at=now - timedelta(days=days))
    with app.app_context():
        found, _, _ = headings_found("필라테스", include_hidden=True)
    assert found == ["필라테스 후기", "필라테스 계획", "1일 전", "2일 전", "3일 전"]


def test_a_common_word_past_the_newest_walked_is_ranked_in_full(
    app, make_entry, monkeypatch, common_words
):
    monkeypatch.setattr(search.postgres, "WALK_PER_POST", 0)  # no post walked: never enough
    now = utcnow()
    for days in (3, 2, 1):
        make_entry(title=f"{days}일 전", body="필라테스", published_at=now - timedelta(days=days))
    with app.app_context():
        assert headings_found("필라테스")[0] == ["1일 전", "2일 전", "3일 전"]
    if TEST_DATABASE_URL:
        assert common_words == [False]
