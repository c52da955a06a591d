"""The commentary section: the block editor, saving, the page, study mode, visibility."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l
from lxml import html

from blog.commentary.forms import MAX_BLOCKS
from blog.extensions import db
from blog.forms import TOO_LARGE
from blog.models import Block, Commentary, Post, Visibility, utcnow

from .markup import errors_of, flash_texts, flashes, invalid_fields, number_in, shown

SAMPLE = json.loads(
    (Path(__file__).parent / "data/plain-text-posts.expected.json").read_text(encoding="utf-8")
)["posts"][1]


def commentary_form(blocks=(), **overrides):
    data = {
        "headline": "Microsoft, Meta CEOs defend hefty AI spending",
        "outlet": "Reuters",
        "url": "https://www.reuters.com/technology/ai-spending",
        "author": "",
        "published_on": "2025-01-30",
        "lead": "",
        "summary": "기사를 요약하자면 **투자**가 계속된다.",
        "closing": "",
        "tags": "AI, 영어공부",
        "visibility": "public",
        "published_at": "",
    }
    for index, block in enumerate(blocks):
        for key, value in block.items():
            data[f"blocks-{index}-{key}"] = value
    data.update(overrides)
    return data


def sample_form():
    return commentary_form(
        blocks=SAMPLE["blocks"],
        headline=SAMPLE["article"]["headline"],
        lead=SAMPLE["lead"],
        summary=SAMPLE["summary"],
    )


def block_textareas(html: str) -> list[tuple[int, str, str]]:
    """(index, field, text) of every block textarea in the order the page shows them."""
    return [
        (int(index), field, text)
        for index, field, text in re.findall(
            r'<textarea[^>]*name="blocks-(\d+)-(\w+)"[^>]*>\s*(.*?)</textarea>', html, re.S
        )
    ]


def quotes_in(html: str) -> list[str]:
    return [text for _, field, text in block_textareas(html) if field == "quote"]


@pytest.fixture
def owner_client(client, auth):
    auth.login()
    return client


def test_sample_post_entered_through_the_form_renders_in_order(app, owner_client, client):
    response = owner_client.post("/commentary/new", data=sample_form())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    for number, block in enumerate(SAMPLE["blocks"], start=1):
        assert f'id="block-{number}"' in page
        assert block["quote"].replace("'", "&#39;") in page
    assert 'id="block-5"' not in page
    positions = [page.index(f'id="block-{n}"') for n in range(1, 5)]
    assert positions == sorted(positions)
    assert (
        page.index('id="block-4"')
        < page.index('id="summary-title"')
        < page.rindex("기사를 요약하자면")
    )
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert [b.quote for b in commentary.blocks] == [b["quote"] for b in SAMPLE["blocks"]]
        assert commentary.blocks[3].translation == "" and commentary.blocks[3].opinion == ""


def test_page_marks_languages_and_quotes(owner_client, client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    page = client.get(location).text
    assert '<blockquote class="quote" lang="en" cite="https://www.reuters.com/' in page
    assert page.count('class="translation__text" lang="ko"') == 3
    assert page.count('<div class="prose" lang="ko">') >= 4  # three opinions and the summary
    assert 'href="#block-3"' in page
    assert '<h1 class="post__title" lang="en">Microsoft, Meta CEOs defend' in page
    assert (
        '<a class="citation__link" href="https://www.reuters.com/technology/ai-spending" '
        'rel="nofollow noopener noreferrer"'
    ) in page


def test_page_labels_the_article_date_and_the_post_date(app, owner_client, client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    [header] = html.fromstring(client.get(location).text).xpath('//header[@class="post__header"]')
    labelled = [
        (" ".join(time.getprevious().text_content().split()), time.get("datetime")[:10])
        for time in header.iter("time")
    ]
    assert labelled[0] == (shown(app, _l("Article date")), "2025-01-30")
    assert labelled[1][0] == shown(app, _l("Written")) and len(labelled) == 2


def test_page_has_structured_data_and_open_graph(owner_client, client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    page = client.get(location).text
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Article"
    assert data["citation"]["url"] == "https://www.reuters.com/technology/ai-spending"
    assert [part["@type"] for part in data["hasPart"]] == ["Quotation"] * 4
    assert '<meta property="og:title" content="Microsoft, Meta CEOs' in page
    assert '<meta property="og:description" content="기사를 요약하자면' in page


def test_structured_data_cannot_break_out_of_its_script(owner_client, client):
    form = commentary_form(blocks=[{"quote": "</script><script>alert(1)</script>"}])
    location = owner_client.post("/commentary/new", data=form).headers["Location"]
    page = client.get(location).text
    assert "</script><script>alert(1)" not in page


def test_study_mode_folds_translations_without_javascript(owner_client, client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    normal = client.get(location).text
    assert normal.count('<details class="translation" open>') == 3
    study = client.get(location, query_string={"study": "1"}).text
    assert study.count('<details class="translation">') == 3
    assert f'<a href="{location}#blocks" data-study-link>' in study  # all shown again


def reading_links(page: str) -> dict[str, str]:
    """{what the link is for: its address} of the reading-mode links shown without JavaScript."""
    tree = html.fromstring(page)
    return {
        kind: link.get("href")
        for kind in ("study", "layout")
        for link in tree.xpath(f"//a[@data-{kind}-link]")
    }


def test_side_by_side_layout_is_a_plain_link_that_keeps_study_mode(owner_client, client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    stacked = client.get(location).text
    assert 'class="blocks"' in stacked
    assert reading_links(stacked) == {
        "study": f"{location}?study=1#blocks",
        "layout": f"{location}?layout=side#blocks",
    }
    side = client.get(location, query_string={"layout": "side"}).text
    assert 'class="blocks blocks--side"' in side
    assert reading_links(side) == {
        "study": f"{location}?study=1&layout=side#blocks",
        "layout": f"{location}#blocks",
    }
    both = client.get(location, query_string={"layout": "side", "study": "1"}).text
    assert 'class="blocks blocks--side"' in both
    assert both.count('<details class="translation">') == 3  # folded, for study
    assert reading_links(both) == {
        "study": f"{location}?layout=side#blocks",
        "layout": f"{location}?study=1#blocks",
    }
    # Any other value is the default layout; an address without the slug keeps the choice.
    assert 'class="blocks"' in client.get(location, query_string={"layout": "x"}).text
    post_id = location.split("/")[-1].split("-")[0]
    moved = client.get(f"/commentary/{post_id}", query_string={"layout": "side"})
    assert moved.headers["Location"] == f"{location}?layout=side"


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ({"add_block": "블록 추가"}, ["A", "B", "C", ""]),
        ({"insert_block": "0"}, ["A", "", "B", "C"]),
        ({"remove_block": "1"}, ["A", "C"]),
        ({"move_up": "2"}, ["A", "C", "B"]),
        ({"move_down": "0"}, ["B", "A", "C"]),
        ({"move_up": "0"}, ["A", "B", "C"]),
        ({"move_down": "2"}, ["A", "B", "C"]),
        ({"remove_block": "7"}, ["A", "B", "C"]),
        ({"insert_block": "²"}, ["A", "B", "C"]),
        ({"move_up": "99999999999999999999"}, ["A", "B", "C"]),
    ],
)
def test_block_buttons_rearrange_without_saving(app, owner_client, button, expected):
    blocks = [{"quote": q, "translation": f"{q} 번역", "opinion": f"{q} 생각"} for q in "ABC"]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks, **button))
    assert response.status_code == 200
    assert quotes_in(response.text) == expected
    # each quote keeps its own translation and opinion through the move
    for index, field, text in block_textareas(response.text):
        if field == "translation" and expected[index]:
            assert text == f"{expected[index]} 번역"
    assert "Microsoft, Meta CEOs defend hefty AI spending" in response.text  # nothing lost
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_block_with_translation_but_no_quote_is_an_error_at_that_block(app, owner_client):
    blocks = [{"quote": "Fine."}, {"quote": "", "translation": "인용문 없는 번역"}]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks))
    assert response.status_code == 400
    html = response.text
    assert invalid_fields(html) == ["blocks-1-quote"]
    assert html.index('id="edit-block-1"') < html.index('id="blocks-1-quote-errors"')
    assert "인용문 없는 번역</textarea>" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


@pytest.mark.parametrize(
    ("visibility", "status"),
    [("public", 400), ("private", 303), ("draft", 303), (None, 303)],
)
def test_publishing_needs_a_quote_and_a_draft_may_have_none(app, owner_client, visibility, status):
    form = commentary_form(blocks=[{"quote": "", "translation": "", "opinion": ""}])
    if visibility:
        form["visibility"] = visibility
    else:
        del form["visibility"]
    response = owner_client.post("/commentary/new", data=form)
    assert response.status_code == status
    if status == 400:
        assert invalid_fields(response.text) == ["blocks-0-quote"]
        assert errors_of(response.text, "blocks-0-quote")
        assert "Microsoft, Meta CEOs defend hefty AI spending" in response.text
    with app.app_context():
        saved = db.session.scalar(db.select(Commentary))
        assert (saved is None) == (status == 400)


def test_a_published_commentary_keeps_at_least_one_quote(app, owner_client, make_commentary):
    post_id = make_commentary("Published", [{"quote": "Only one."}])
    form = commentary_form(blocks=[{"quote": ""}], headline="Published", version="1")
    del form["visibility"]  # 변경 저장: it stays public, so it still needs a quote
    response = owner_client.post(f"/commentary/{post_id}/edit", data=form)
    assert response.status_code == 400
    assert invalid_fields(response.text) == ["blocks-0-quote"]
    with app.app_context():
        assert [block.quote for block in db.session.get(Commentary, post_id).blocks] == [
            "Only one."
        ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", ""),
        ("url", "javascript:alert(1)"),
        ("url", "ftp://example.com/a"),
        ("url", "https://"),
        ("url", "http://[::1"),
        ("url", "https://[nope]/"),
        ("published_at", "0001-01-01T00:00"),
        ("published_on", "어제"),
    ],
)
def test_article_fields_are_validated_and_text_kept(owner_client, field, value):
    blocks = [{"quote": "Keep me.", "opinion": "지우면 안 되는 생각"}]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks, **{field: value}))
    assert response.status_code == 400
    assert invalid_fields(response.text) == [field] and errors_of(response.text, field)
    assert "지우면 안 되는 생각</textarea>" in response.text


def test_too_many_blocks_get_a_clear_error(owner_client):
    blocks = [{"quote": f"Quote {n}."} for n in range(101)]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks))
    assert response.status_code == 400
    [error] = errors_of(response.text, "blocks")
    assert number_in(error) == MAX_BLOCKS == 100


def test_adding_past_the_limit_says_so(owner_client):
    blocks = [{"quote": f"Quote {n}."} for n in range(100)]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks, add_block="y"))
    assert response.status_code == 200
    [error] = errors_of(response.text, "blocks")
    assert number_in(error) == MAX_BLOCKS == 100
    assert len(quotes_in(response.text)) == 100


PADDED_TABLE = "|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "x\n" * 1000


def test_opinions_that_together_make_too_large_a_page_are_refused_where_it_overflows(
    app, owner_client
):
    # Each opinion fits alone; together they pass the HTML bound at the eleventh block (lines
    # of one long word: every line break becomes <br>, so the page grows faster than the text,
    # which stays within the post's length limit).
    opinions = [f"opinion {n}\n" + ("w" * 30 + "\n") * 500 for n in range(12)]
    blocks = [{"quote": f"Quote {n}.", "opinion": opinion} for n, opinion in enumerate(opinions)]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks))
    assert response.status_code == 400
    html = response.text
    error_at = html.index('id="blocks-10-opinion-errors"')
    assert html.index('id="edit-block-10"') < error_at < html.index('id="edit-block-11"')
    assert invalid_fields(html) == ["blocks-10-opinion"]
    assert errors_of(html, "blocks-10-opinion") == [shown(app, TOO_LARGE["html"])]
    assert all(opinion.strip() + "</textarea>" in html for opinion in opinions)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


@pytest.mark.parametrize("field", ["summary", "closing", "blocks-0-opinion"])
def test_a_padded_table_in_any_markdown_field_is_refused(app, owner_client, field):
    blocks = [{"quote": "Keep me.", "opinion": "생각"}]
    response = owner_client.post(
        "/commentary/new", data=commentary_form(blocks, **{field: PADDED_TABLE})
    )
    assert response.status_code == 400
    html = response.text
    assert invalid_fields(html) == [field]
    assert errors_of(html, field) == [shown(app, TOO_LARGE["steps"])]
    assert "Keep me.</textarea>" in html


def test_blank_blocks_are_dropped_on_save(app, owner_client):
    blocks = [{"quote": "One."}, {"quote": "", "translation": "", "opinion": ""}, {"quote": "Two."}]
    owner_client.post("/commentary/new", data=commentary_form(blocks))
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert [(b.position, b.quote) for b in commentary.blocks] == [(0, "One."), (1, "Two.")]


def test_saving_rebuilds_blocks_in_posted_order_and_keeps_their_rows(app, owner_client):
    blocks = [{"quote": q} for q in ("First.", "Second.", "Third.")]
    location = owner_client.post("/commentary/new", data=commentary_form(blocks)).headers[
        "Location"
    ]
    edit_page = owner_client.get(f"{location}/edit").text
    ids = re.findall(r'name="blocks-\d-block_id"[^>]*value="(\d+)"', edit_page)
    assert len(ids) == 3
    reordered = [
        {"block_id": ids[2], "quote": "Third."},
        {"block_id": ids[0], "quote": "First, edited."},
        {"quote": "New."},
    ]
    response = owner_client.post(f"{location}/edit", data=commentary_form(reordered, version="1"))
    assert response.status_code == 303
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert [b.quote for b in commentary.blocks] == ["Third.", "First, edited.", "New."]
        assert [str(b.id) for b in commentary.blocks[:2]] == [ids[2], ids[0]]
        assert db.session.scalar(db.select(db.func.count()).select_from(Block)) == 3


def test_preview_uses_the_page_block_markup_and_saves_nothing(app, owner_client):
    blocks = [{"quote": "Preview me.", "translation": "미리 보기", "opinion": "**굵은** 생각"}]
    response = owner_client.post("/commentary/new", data=commentary_form(blocks, preview="y"))
    assert response.status_code == 200
    assert 'id="block-1"' in response.text and 'lang="en"' in response.text
    assert "<strong>굵은</strong> 생각" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_stale_edit_answers_409(app, owner_client):
    location = owner_client.post(
        "/commentary/new", data=commentary_form([{"quote": "Q."}])
    ).headers["Location"]
    owner_client.post(
        f"{location}/edit", data=commentary_form([{"quote": "Other tab."}], version="1")
    )
    stale = owner_client.post(
        f"{location}/edit", data=commentary_form([{"quote": "Mine."}], version="1")
    )
    assert stale.status_code == 409
    assert "Mine.</textarea>" in stale.text and "Other tab." in stale.text


def test_opinions_are_sanitised_markdown_quotes_are_plain_text(owner_client, client):
    blocks = [{"quote": "<b>not bold</b>\nsecond line", "opinion": "<script>x</script> *기울임*"}]
    location = owner_client.post("/commentary/new", data=commentary_form(blocks)).headers[
        "Location"
    ]
    page = client.get(location).text
    assert "&lt;b&gt;not bold&lt;/b&gt;<br>\nsecond line" in page
    assert "<script>x</script>" not in page and "<em>기울임</em>" in page


def test_list_shows_outlet_quote_count_and_summary_excerpt(owner_client, client):
    owner_client.post("/commentary/new", data=sample_form())
    listing = client.get("/commentary/").text
    source = re.search(r'<p class="card__source"><cite>Reuters</cite> · ([^<]*)</p>', listing)
    assert number_in(source[1]) == 4  # quotes
    assert "기사를 요약하자면 DeepSeek이" in listing
    home = client.get("/").text
    assert re.search(r'<a href="/commentary/\d+-[^"]*" lang="en">Microsoft, Meta CEOs', home)


def test_home_shows_both_sections_with_a_constant_number_of_queries(
    app, owner_client, client, make_entry
):
    for _ in range(3):
        owner_client.post("/commentary/new", data=sample_form())
        make_entry(title="일기", tags=["일상"])
    owner_client.post("/logout")
    statements = []

    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        def count(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get("/").text
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert page.count('class="card"') == 6
    assert len(statements) <= 4, statements


@pytest.mark.parametrize("state", ["draft", "private", "scheduled"])
def test_hidden_commentaries_are_404_to_the_public(app, owner_client, client, state):
    visibility = {"draft": "draft", "private": "private", "scheduled": "public"}[state]
    future = (utcnow() + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    form = commentary_form(
        [{"quote": "Hidden."}],
        headline="Hidden headline",
        visibility=visibility,
        published_at=future if state == "scheduled" else "",
        tags="숨김",
    )
    location = owner_client.post("/commentary/new", data=form).headers["Location"]
    assert owner_client.get(location).status_code == 200
    owner_client.post("/logout")
    assert client.get(location).status_code == 404
    for path in ("/", "/commentary/"):
        assert "Hidden headline" not in client.get(path).text
    assert client.get("/tags/숨김").status_code == 404
    with app.app_context():
        commentary = db.session.scalar(db.select(Commentary))
        assert commentary.state == state


def test_delete_asks_then_trashes_and_delete_for_good_removes_blocks(app, owner_client):
    location = owner_client.post("/commentary/new", data=sample_form()).headers["Location"]
    confirm = owner_client.get(f"{location}/delete").text
    assert '<p class="confirm__what">' in confirm
    assert '<form method="post" class="editor__actions">' in confirm  # asks first
    assert owner_client.post(f"{location}/delete").status_code == 303
    assert owner_client.get(location).status_code == 404
    with app.app_context():
        post_id = db.session.scalar(db.select(Commentary.id))
        assert db.session.scalar(db.select(db.func.count()).select_from(Block)) == 4  # in trash
    owner_client.post(f"/admin/trash/{post_id}/delete")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Block)) == 0


def test_editor_needs_the_owner(client, owner):
    assert client.get("/commentary/new").status_code == 302


def test_editor_renders_block_buttons_and_template(owner_client):
    page = owner_client.get("/commentary/new").text
    assert 'name="blocks-0-quote"' in page
    assert 'name="add_block"' in page
    assert 'name="remove_block" value="0"' in page
    assert 'name="blocks-__index__-quote"' in page  # inside the <template> for the script
    assert Visibility.PUBLIC.value in page


def test_editor_numbers_let_the_owner_jump_to_a_quote(owner_client):
    one_block = owner_client.get("/commentary/new").text
    assert re.search(r"<nav class=\"block-jump\"[^>]* hidden>", one_block)
    blocks = [{"quote": f"Quote {n}", "translation": "", "opinion": ""} for n in range(3)]
    page = owner_client.post("/commentary/new", data=commentary_form(blocks, add_block="y")).text
    jump = page.split("data-block-jump>")[1].split("</nav>")[0]
    assert re.findall(r'href="#(edit-block-\d+)">(\d+)<', jump) == [
        (f"edit-block-{n}", str(n + 1)) for n in range(4)
    ]
    assert all(f'id="edit-block-{n}"' in page for n in range(4))


def longest_commentary(characters: int, character: str = "😀") -> dict:
    """A commentary filling `characters` with the costliest character to send (4 bytes in
    UTF-8, 12 form-encoded), spread over blocks within every field's own limit."""
    from blog.commentary.forms import MAX_TEXT

    form = commentary_form(summary="", tags="")
    left = characters - sum(len(value) for value in form.values())
    blocks = []
    while left > 0:
        quote = character * min(MAX_TEXT, left)
        left -= len(quote)
        translation = character * min(MAX_TEXT, max(left, 0))
        left -= len(translation)
        blocks.append({"quote": quote, "translation": translation})
    return commentary_form(blocks=blocks, summary="", tags="")


def test_every_commentary_within_the_limits_fits_in_the_request_body_limit(app, client, auth):
    from urllib.parse import urlencode

    auth.login()
    limit = app.config["MAX_POST_CHARACTERS"]
    longest = longest_commentary(limit)
    assert len(urlencode(longest).encode()) <= app.config["MAX_CONTENT_LENGTH"]
    assert client.post("/commentary/new", data=longest).status_code == 303


def test_a_commentary_over_the_total_limit_is_refused_with_a_clear_message(app, client, auth):
    auth.login()
    too_long = longest_commentary(200_100, character="가")
    response = client.post("/commentary/new", data=too_long)
    assert response.status_code == 400
    # Nothing saved, and why: no one field is to blame, the message names the post's limit.
    assert flashes(response.text) == ["error", "error"] and invalid_fields(response.text) == []
    assert f"{app.config['MAX_POST_CHARACTERS']:,}" in flash_texts(response.text)[1]
    assert too_long["blocks-0-quote"] in response.text  # everything typed is still there
