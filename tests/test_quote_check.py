"""Quote checking against the article pasted beside a commentary: what counts as the same
words, the closest passage and its differences, the share quoted; then the editor and the
post page, which show it to the owner alone."""

import io
import re
import zipfile

import pytest
from lxml import html

from blog.extensions import db
from blog.models import Commentary
from blog.portability import export, import_json
from blog.posts import schema
from blog.study.quote_check import MAX_ARTICLE_LENGTH, Difference, check_quotes

from .conftest import empty_database
from .markup import errors_of
from .test_commentary import commentary_form

ARTICLE = (
    "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing that "
    "shook the U.S. technology industry, the chief executives of Microsoft and Meta defended "
    "massive spending that they said was key to staying competitive in the new field.\n\n"
    "DeepSeek’s quick progress has stirred doubts about the lead America has in AI with models "
    "that it claims can match or even outperform Western rivals at a fraction of the cost — "
    "but the U.S. executives said on Wednesday that building huge computer networks was "
    "necessary to serve growing corporate needs.\n\n"
    "“For AI right now, there’s too much capital expenditure, not enough consumption,” said "
    "one analyst… Meta expects capital expenses of up to $65 billion in 2025.\n"
    "Microsoft expects capital expenses of up to $80 billion in 2025.\n"
    "Alphabet expects capital expenses of up to $75 billion in 2026."
)


@pytest.mark.parametrize(
    "quote",
    [
        "DeepSeek's quick progress has stirred doubts",  # straight for curly
        '"For AI right now, there\'s too much capital expenditure, not enough consumption,"',
        "at a fraction of the cost - but the U.S. executives",  # a hyphen for the dash
        "at a fraction of the cost—but the U.S. executives",
        "DAYS AFTER chinese upstart   DeepSeek\nrevealed a breakthrough",
        "the\u00a0chief executives of Microsoft and Meta",
        "said one analyst... Meta expects",  # three dots for the ellipsis
        "the U.S. technology industry , the chief",  # spacing around marks is typing
        # Omissions marked in the quote: each part is in the article.
        "Days after Chinese upstart DeepSeek revealed a breakthrough … the chief executives of "
        "Microsoft and Meta defended massive spending",
        "Chinese upstart DeepSeek [...] shook the U.S. technology industry",
        "a break\u00adthrough in cheap\u200b AI",  # a soft hyphen and a zero-width space
    ],
)
def test_a_quote_differing_only_in_typing_is_found(quote):
    result = check_quotes(ARTICLE, [quote])
    assert result.mismatches == ((),)


def differences(quote: str) -> list[tuple[str, str, str]]:
    """The differences of the quote's one mismatch, but its same stretches."""
    [[mismatch]] = check_quotes(ARTICLE, [quote]).mismatches
    return [(d.kind, d.article, d.quote) for d in mismatch.differences if d.kind != "same"]


@pytest.mark.parametrize(
    "quote, expected",
    [
        (
            "the chief executives of Microsfot and Meta defended massive spending",
            [("changed", "Microsoft", "Microsfot")],
        ),
        (
            "the chief executives of Microsoft and Meta defended spending",
            [("missing", "massive", "")],
        ),
        (
            "the chief executives of Microsoft (MSFT) and Meta (META) defended massive spending",
            [("extra", "", "(MSFT)"), ("extra", "", "(META)")],
        ),
        (
            "building huge computer network was necessary to serve corporate needs",
            [("changed", "networks", "network"), ("missing", "growing", "")],
        ),
    ],
)
def test_a_quote_not_in_the_article_is_shown_against_its_passage(quote, expected):
    assert differences(quote) == expected


@pytest.mark.parametrize(
    "quote, passage",
    [
        (
            "said one analyst. Meta expects capital expenses of up to $56 billion",
            "said one analyst… Meta expects capital expenses of up to $65 billion",
        ),
        (  # words the article does not have leave no gap in its passage
            "the chief executives of Microsoft (MSFT) and Meta (META) defended massive spending",
            "the chief executives of Microsoft and Meta defended massive spending",
        ),
    ],
)
def test_the_passage_is_the_article_as_written(quote, passage):
    [[mismatch]] = check_quotes(ARTICLE, [quote]).mismatches
    assert mismatch.passage == passage and mismatch.quoted == quote


@pytest.mark.parametrize(
    "quote, passage",
    [
        (
            "Microsoft expects capital expenses of up to $85 billion in 2025.",
            "Microsoft expects capital expenses of up to $80 billion in 2025",
        ),
        (
            "Alphabet expects capital expenses of up to $75 billion in 2025.",
            "Alphabet expects capital expenses of up to $75 billion in 2026",
        ),
        (
            "Meta expects capital expenses of as much as $65 billion in 2025",
            "Meta expects capital expenses of up to $65 billion in 2025",
        ),
    ],
)
def test_the_closest_of_several_similar_passages(quote, passage):
    [[mismatch]] = check_quotes(ARTICLE, [quote]).mismatches
    assert mismatch.passage == passage


def test_a_quote_the_article_has_nothing_like_has_no_passage():
    [[mismatch]] = check_quotes(
        ARTICLE, ["Apple unveiled a folding phone on Tuesday, to mixed reviews."]
    ).mismatches
    assert mismatch.differences == () and mismatch.passage == ""


def test_each_quote_is_checked_and_blank_ones_are_not():
    result = check_quotes(
        ARTICLE, ["DeepSeek revealed a breakthrough", "", "Apple unveiled a phone"]
    )
    assert [len(found) for found in result.mismatches] == [0, 0, 1]


def test_only_the_part_of_a_quote_that_differs_is_flagged():
    quote = "Chinese upstart DeepSeek … the chief executives of Microsfot"
    [[mismatch]] = check_quotes(ARTICLE, [quote]).mismatches
    assert mismatch.quoted == "the chief executives of Microsfot"


def test_odd_text_is_compared_without_trouble():
    article = "İstanbul\x00 ﬁnance ß – \ud800 ‟quoted‟"
    assert check_quotes(article, ["İSTANBUL ﬁnance", "ß - \ud800", "\x00"]).mismatches == (
        (),
        (),
        (),
    )
    assert check_quotes("\x01\x02", ["A quote."]).mismatches[0][0].differences == ()


def test_no_article_no_check():
    assert check_quotes("", ["A quote."]) is None
    assert check_quotes("  \n ", ["A quote."]) is None


def test_the_share_of_the_article_quoted():
    article = "One two three four five six seven eight nine ten."
    result = check_quotes(article, ["three four five", "Three four five", "eight nine tem"])
    assert result.article_words == 10
    # A passage quoted twice counts once; of a differing quote, the words it has right.
    assert result.quoted_words == 5
    assert result.share == pytest.approx(0.5)
    assert check_quotes(article, ["Nothing like it"]).share == 0


def test_a_difference_keeps_the_article_spacing():
    [[mismatch]] = check_quotes(
        ARTICLE, ["of Microsoft and Meta defended huge spending"]
    ).mismatches
    assert mismatch.differences == (
        Difference("same", "of Microsoft and Meta defended", "of Microsoft and Meta defended"),
        Difference("changed", "massive", "huge", " "),
        Difference("same", "spending", "spending", " "),
    )


# --- the editor, the post page, and what readers never get ---------------------------------

TYPO = "the chief executives of Microsfot and Meta defended massive spending"
EXACT = "DeepSeek’s quick progress has stirred doubts about the lead America has in AI"
# Words of the article that no quote has: they must never reach a reader.
ARTICLE_ONLY = "Alphabet expects capital expenses"


def article_form(quotes=(TYPO, EXACT), article=ARTICLE, **overrides):
    blocks = [{"quote": quote, "translation": "번역."} for quote in quotes]
    return commentary_form(blocks, article_text=article, **overrides)


def quote_warning(page, block_id: str):
    """The warning shown for one quote (`blocks-N` in the editor, `block-N` on the page)."""
    found = page.xpath(f"//*[@id='{block_id}-quote-check']")
    return found[0] if found else None


def marked(warning, tag: str) -> list[str]:
    """The words marked with `tag` (del, ins) in the warning's passage."""
    return warning.xpath(f".//*[@lang='en']//{tag}/text()")


def test_preview_warns_at_the_block_whose_quote_differs_keeping_everything(app, client, auth):
    auth.login()
    response = client.post("/commentary/new", data={**article_form(), "preview": "y"})
    assert response.status_code == 200
    page = html.fromstring(response.data)
    warning = quote_warning(page, "blocks-0")
    assert marked(warning, "del") == ["Microsfot"] and marked(warning, "ins") == ["Microsoft"]
    assert warning.xpath("string(.//*[@lang='en'])").startswith("the chief executives of")
    quote = page.xpath("//textarea[@name='blocks-0-quote']")[0]
    assert "blocks-0-quote-check" in quote.get("aria-describedby").split()
    assert quote_warning(page, "blocks-1") is None  # as the article has it
    typed = page.xpath("string(//textarea[@name='article_text'])").strip()
    assert typed == ARTICLE and quote.text_content().strip() == TYPO
    with app.app_context():
        assert db.session.query(Commentary).count() == 0


def test_the_article_field_is_folded_in_the_article_fieldset(client, auth):
    auth.login()
    page = html.fromstring(client.get("/commentary/new").data)
    [field] = page.xpath("//fieldset//details[not(@open)]//textarea[@name='article_text']")
    assert field.get("lang") == "en"
    assert not page.xpath("//*[contains(@class, 'quote-share')]")  # nothing to check yet


def saved(client, auth, app, **overrides) -> str:
    auth.login()
    response = client.post("/commentary/new", data=article_form(**overrides))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        commentary = db.session.scalars(db.select(Commentary)).one()
        assert commentary.article_text == ARTICLE
        return f"/commentary/{commentary.id}-{commentary.slug}"


def test_a_save_keeps_the_article_and_the_owner_sees_the_warnings_and_the_share(app, client, auth):
    path = saved(client, auth, app)
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    page = html.fromstring(response.data)
    warning = quote_warning(page, "block-1")
    assert marked(warning, "del") == ["Microsfot"]
    assert warning.xpath("ancestor::section[@id='block-1']")
    assert quote_warning(page, "block-2") is None
    expected = check_quotes(ARTICLE, [TYPO, EXACT])
    [share] = page.xpath("//*[contains(@class, 'quote-share')]")
    numbers = re.findall(r"\d[\d,.]*", share.text_content())
    assert f"{expected.quoted_words}" in numbers and f"{expected.article_words}" in numbers
    assert page.xpath("//a[@href='#block-1' and ancestor::*[contains(@class, 'quote-report')]]")
    # The editor opened again shows the same warning.
    editor = html.fromstring(client.get(f"{path}/edit").data)
    assert marked(quote_warning(editor, "blocks-0"), "ins") == ["Microsoft"]


def test_readers_and_the_page_cache_never_see_any_of_it(app, client, auth):
    path = saved(client, auth, app)
    assert b"quote-check" in client.get(path).data  # the owner's page
    auth.logout()
    for _ in range(2):  # rendered, then from the reader cache
        response = client.get(path)
        assert response.status_code == 200
        assert b"quote-check" not in response.data and b"quote-share" not in response.data
        assert b"quote-report" not in response.data and b"<del>" not in response.data
        assert ARTICLE_ONLY.encode() not in response.data
    for address in ("/feed.xml", "/commentary/feed.xml", "/sitemap-1.xml", "/commentary/"):
        assert ARTICLE_ONLY.encode() not in client.get(address).data, address
    results = html.fromstring(client.get("/search?q=Alphabet").data)
    assert not results.xpath("//li[contains(@class, 'search-result')]")


def test_the_owners_data_keeps_the_article_the_markdown_zip_does_not(app, client, auth):
    saved(client, auth, app)
    with app.app_context():
        [post] = export.export_document()["posts"]
        assert post["article_text"] == ARTICLE  # the owner's own copy, to import again
        archive = zipfile.ZipFile(io.BytesIO(export.markdown_zip()))
        [name] = archive.namelist()
        written = archive.read(name).decode()
        assert "Microsfot" in written and ARTICLE_ONLY not in written


def test_an_import_brings_the_article_back(app, client, auth):
    saved(client, auth, app)
    with app.app_context():
        document = export.export_document()
        empty_database()
        db.create_all()
        import_json.import_document(document)
        db.session.commit()
        assert db.session.scalars(db.select(Commentary)).one().article_text == ARTICLE


def test_a_revision_keeps_the_article_and_the_comparison_only_counts_it(app, client, auth):
    saved(client, auth, app)
    with app.app_context():
        commentary = db.session.scalars(db.select(Commentary)).one()
        data = commentary.revisions[0].data
        assert data["article_text"] == ARTICLE
        lines = schema.lines(data)
    assert not any(ARTICLE_ONLY in line for line in lines)
    # One line says how long it is, in lines and words.
    counts = [f"{len(ARTICLE.splitlines())}", f"{len(ARTICLE.split())}"]
    assert [line for line in lines if re.findall(r"\d+", line) == counts]


@pytest.mark.parametrize("shown", [{"search_as": "article"}, {"as_text": True}])
def test_a_private_part_can_be_neither_searched_nor_shown(shown):
    with pytest.raises(ValueError, match="private"):
        schema.Part("article_text", "", private=True, **shown)


@pytest.mark.parametrize(
    "length, status", [(MAX_ARTICLE_LENGTH, 303), (MAX_ARTICLE_LENGTH + 1, 400)]
)
def test_the_article_text_has_a_limit(app, client, auth, length, status):
    auth.login()
    article = ("Microsoft and Meta defended massive spending. " * 3000)[:length]
    response = client.post(
        "/commentary/new", data=article_form(quotes=["Microsoft and Meta"], article=article)
    )
    assert response.status_code == status
    if status == 400:
        page = response.get_data(as_text=True)
        assert errors_of(page, "article_text")
        assert html.fromstring(page).xpath("//details[@open]//textarea[@name='article_text']")
