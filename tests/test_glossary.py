"""The glossary (단어장) of every key expression a reader may see: the page, its CSV and its
Anki deck (opened by the official `anki` library, as a reader's Anki would), per post too."""

import csv
import io
import re
from datetime import timedelta

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from lxml import html

from blog import demo
from blog.extensions import db
from blog.models import Commentary, Visibility, utcnow
from blog.portability import export, import_json
from blog.posts import saving
from blog.study.glossary import sentence_around

from .conftest import TEST_DATABASE_URL, empty_database, hidden_state

# Small pages, so that a few expressions fill more than one.
PER_PAGE = 4

UPSTART_QUOTE = (
    "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing that "
    "shook the U.S. technology industry, Microsoft and Meta defended massive spending. "
    "Their shares fell."
)
CAPEX_QUOTE = "For AI right now, there's too much capital expenditure, not enough consumption."
STUNS_QUOTE = "DeepSeek’s “breakthrough” stuns the tech world. Investors are Wary."


@pytest.fixture
def app_config():
    return {"GLOSSARY_PER_PAGE": PER_PAGE}


def block(quote, expressions, translation="번역"):
    return {"quote": quote, "translation": translation, "expressions": expressions}


@pytest.fixture
def site(make_commentary):
    """Two public commentaries, the newer with two quotes."""
    older = make_commentary(
        "AI spending is too much, says an analyst",
        [block(CAPEX_QUOTE, "capital expenditure = 자본 지출")],
        published_at=utcnow() - timedelta(days=2),
    )
    newer = make_commentary(
        "Microsoft, Meta CEOs defend hefty AI spending",
        [
            block(UPSTART_QUOTE, "upstart = 신생 기업\nmassive spending = 대규모 지출"),
            block(STUNS_QUOTE, "stuns = 충격을 주다\nwary"),
        ],
        published_at=utcnow() - timedelta(hours=1),
    )
    return {"older": older, "newer": newer}


def glossary_page(client, query=""):
    response = client.get(f"/glossary{query}")
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def terms(page) -> list[str]:
    return [" ".join(dt.text_content().split()) for dt in page.xpath("//dl[@class='glossary']//dt")]


def post_path(app, post_id: int) -> str:
    with app.app_context():
        post = db.session.get(Commentary, post_id)
        return f"/commentary/{post.id}-{post.slug}"


# --- the page ---------------------------------------------------------------------------


def test_the_glossary_lists_every_expression_a_to_z_whatever_its_case(client, site):
    # Five expressions: the first page holds four, the second the last one.
    assert terms(glossary_page(client)) == [
        "capital expenditure",
        "massive spending",
        "stuns",
        "upstart",
    ]
    assert terms(glossary_page(client, "?page=2")) == ["wary"]
    assert client.get("/glossary?page=3").status_code == 404


def test_by_post_the_newest_post_comes_first_its_expressions_under_its_headline(app, client, site):
    app.config["GLOSSARY_PER_PAGE"] = 50
    page = glossary_page(client, "?order=post")
    sections = page.xpath("//section[contains(@class, 'glossary-post')]")
    headlines = [section.xpath("string(.//h2)").strip() for section in sections]
    assert headlines == [
        "Microsoft, Meta CEOs defend hefty AI spending",
        "AI spending is too much, says an analyst",
    ]
    assert sections[0].xpath("string(.//h2/@lang)") == "en"
    assert [" ".join(dt.text_content().split()) for dt in sections[0].xpath(".//dt")] == [
        "upstart",
        "massive spending",
        "stuns",
        "wary",
    ]
    assert sections[0].xpath("string(.//h2//a/@href)") == post_path(app, site["newer"])


def test_an_unknown_order_is_not_a_page(client, site):
    assert client.get("/glossary?order=random").status_code == 404


def test_each_expression_shows_its_meaning_its_sentence_marked_and_a_link_to_its_quote(
    app, client, site
):
    page = glossary_page(client)
    entry = page.xpath("//dl[@class='glossary']/div[.//dt[normalize-space()='upstart']]")[0]
    assert entry.xpath("string(.//dt/@lang)") == "en"
    meaning = entry.xpath(".//dd[@class='glossary__meaning']")[0]
    assert meaning.text_content() == "신생 기업" and meaning.get("lang") == "ko"
    # The sentence holding it, not cut at "U.S." nor running on to the next one.
    sentence = entry.xpath(".//blockquote")[0]
    assert sentence.get("lang") == "en"
    assert " ".join(sentence.text_content().split()) == (
        "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing "
        "that shook the U.S. technology industry, Microsoft and Meta defended massive spending."
    )
    assert [mark.text for mark in sentence.xpath(".//mark")] == ["upstart"]
    link = entry.xpath(".//a[@class='glossary__source']")[0]
    assert link.get("href") == post_path(app, site["newer"]) + "#block-1"
    assert link.xpath("string(.//*[@lang='en'])") == "Microsoft, Meta CEOs defend hefty AI spending"
    # The quote's other sentence holds a second expression: the sentence of each.
    wary = page.xpath("//dl[@class='glossary']/div[.//dt[normalize-space()='stuns']]//blockquote")
    assert (
        " ".join(wary[0].text_content().split())
        == "DeepSeek’s “breakthrough” stuns the tech world."
    )
    no_meaning = glossary_page(client, "?page=2").xpath("//dl[@class='glossary']/div")[0]
    assert not no_meaning.xpath(".//dd[@class='glossary__meaning']")


@pytest.mark.parametrize(
    "quote, expression, sentence",
    [
        ('He said "stop." Then he left.', "left", "Then he left."),
        ("Mr. Nadella said it. Meta agreed.", "Nadella", "Mr. Nadella said it."),
        ("Meta Inc. said so. Then more.", "said so", "Meta Inc. said so."),
        ("The U.S. Treasury rose. Stocks fell.", "Treasury", "The U.S. Treasury rose."),
        ("Is it? Yes, it is! Then go.", "Yes", "Yes, it is!"),
        ("Growth was 2.5 percent. Then 3.", "percent", "Growth was 2.5 percent."),
        ("A line\nand an upstart there.", "upstart", "and an upstart there."),
        ("He said: “It is cheap.” Investors doubted it.", "doubted", "Investors doubted it."),
        ("It stuns. It stuns   again.", "stuns", "It stuns."),
        (
            "An expression across two. Sentences here.",
            "two. Sentences",
            ("An expression across two. Sentences here."),
        ),
    ],
)
def test_the_sentence_of_an_expression_is_the_one_of_its_quote_holding_it(
    quote, expression, sentence
):
    assert sentence_around(quote, expression) == sentence


@pytest.mark.parametrize("state", ["draft", "private", "scheduled", "trashed"])
def test_a_post_readers_may_not_see_keeps_its_expressions_out(app, client, make_commentary, state):
    make_commentary("A public one", [block(CAPEX_QUOTE, "capital expenditure = 자본 지출")])
    hidden = make_commentary(
        "A hidden one",
        [block(UPSTART_QUOTE, "upstart = 신생 기업")],
        **(hidden_state(state) if state != "trashed" else {}),
    )
    if state == "trashed":
        with app.app_context():
            saving.trash(db.session.get(Commentary, hidden))
            db.session.commit()
    assert terms(glossary_page(client)) == ["capital expenditure"]
    rows = list(csv.DictReader(io.StringIO(client.get("/glossary.csv").data.decode("utf-8-sig"))))
    assert [row["expression"] for row in rows] == ["capital expenditure"]
    assert client.get(f"{post_path(app, hidden)}/expressions.csv").status_code == 404
    assert client.get(f"{post_path(app, hidden)}/expressions.apkg").status_code == 404


def test_a_scheduled_post_s_expressions_appear_when_it_is_published(
    app, client, make_commentary, clock
):
    make_commentary(
        "Coming soon",
        [block(UPSTART_QUOTE, "upstart = 신생 기업")],
        published_at=utcnow() + timedelta(hours=1),
    )
    assert terms(glossary_page(client)) == []
    clock.shift(timedelta(hours=2))
    assert terms(glossary_page(client)) == ["upstart"]


def test_the_owner_sees_the_expressions_of_every_post_but_the_trash(client, auth, make_commentary):
    make_commentary("Drafted", [block(UPSTART_QUOTE, "upstart")], visibility=Visibility.DRAFT)
    auth.login()
    assert terms(glossary_page(client)) == ["upstart"]


def test_an_empty_glossary_says_so_and_offers_no_downloads(client):
    page = glossary_page(client)
    assert page.xpath("//main//p[@class='empty']")
    assert not page.xpath("//a[contains(@href, '/glossary.csv')]")


def test_the_page_offers_both_downloads_and_is_linked_from_the_commentary_section(client, site):
    page = glossary_page(client)
    assert page.xpath("//a[@href='/glossary.csv']") and page.xpath("//a[@href='/glossary.apkg']")
    for path in ("/commentary/", "/"):
        assert html.fromstring(client.get(path).data).xpath("//a[@href='/glossary']"), path


def test_a_commentary_s_list_of_expressions_links_its_own_downloads(app, client, site):
    path = post_path(app, site["newer"])
    section = html.fromstring(client.get(path).data).xpath("//section[@class='post-expressions']")
    links = section[0].xpath(".//a/@href")
    assert f"{path}/expressions.csv" in links and f"{path}/expressions.apkg" in links


# --- the copies the glossary reads (KeyExpression) --------------------------------------


def in_step() -> bool:
    """Whether every key expression's copies equal its post's and its quote's."""
    rows = db.session.execute(
        db.text(
            "SELECT count(*), sum(CASE WHEN e.post_id = b.commentary_id"
            " AND e.block_position = b.position AND e.visibility = p.visibility"
            " AND e.published_at IS NOT DISTINCT FROM p.published_at"
            " AND e.deleted_at IS NOT DISTINCT FROM p.deleted_at THEN 1 ELSE 0 END)"
            " FROM key_expression e JOIN block b ON b.id = e.block_id"
            " JOIN post p ON p.id = b.commentary_id"
        )
    ).one()
    assert rows[0], "no key expressions to compare"
    return rows[0] == rows[1]


def test_every_change_to_a_commentary_keeps_its_expressions_copies_in_step(
    app, make_commentary, clock
):
    post_id = make_commentary(
        "Copied",
        [block(CAPEX_QUOTE, "capital expenditure"), block(UPSTART_QUOTE, "upstart")],
        visibility=Visibility.DRAFT,
    )

    def change(action) -> None:
        with app.app_context():
            action(db.session.get(Commentary, post_id))
            db.session.commit()
            assert in_step(), action

    def move_quotes_and_add_one(post):
        first, second = post.blocks
        post.replace_blocks(
            [
                {"id": second.id, "quote": second.quote, "expressions": "upstart\nshook"},
                {"id": first.id, "quote": first.quote, "expressions": first.expressions},
                block(STUNS_QUOTE, "stuns"),
            ]
        )
        saving.save(post)

    def schedule(post):
        post.set_publication(Visibility.PUBLIC, utcnow() + timedelta(days=1))
        saving.save(post)

    def first_version_back(post):
        saving.restore_revision(post, post.revisions[-1])

    with app.app_context():
        assert in_step()
    for action in (
        move_quotes_and_add_one,
        saving.publish_now,
        saving.make_private,
        schedule,
        saving.trash,
        saving.restore_from_trash,
        first_version_back,
    ):
        change(action)


@pytest.mark.parametrize("order", ["az", "post"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_page_and_its_count_read_the_expressions_alone(
    app, client, auth, site, statements_with_parameters, order, signed_in
):
    """At 100,000 posts, joining each expression to its quote and post to filter and sort
    them took 0.2 s: the page's ids and its count read key_expression's own copies, and on
    SQLite (PostgreSQL's plans are the bench's) a reader's read one index in its order."""
    if signed_in:
        auth.login()
    statements_with_parameters.clear()
    assert terms(glossary_page(client, f"?order={order}"))
    paging = [
        (statement, parameters)
        for statement, parameters in statements_with_parameters
        if "key_expression" in statement and re.search(r"count\(|LIMIT", statement)
    ]
    assert len(paging) == 2  # the count and the page's ids
    for statement, _ in paging:
        assert not re.search(r"\b(block|post|commentary)\b", statement), statement
    if TEST_DATABASE_URL or signed_in:
        return
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            connection.execute("ANALYZE")  # as a site that has grown has its statistics
            for statement, parameters in paging:
                plan = [
                    row[-1]
                    for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                reads = [step for step in plan if re.match(r"(SCAN|SEARCH) key_expression", step)]
                assert reads and all(
                    "COVERING INDEX ix_key_expression_" in step for step in reads
                ), plan
                assert not any("FOR ORDER BY" in step for step in plan), plan
        finally:
            connection.close()


def test_imported_and_demo_posts_have_their_copies(app):
    with app.app_context():
        demo.seed(12, bulk_path=True)
        assert in_step()
        document = export.export_document()
        empty_database()
        db.create_all()
        import_json.import_document(document)
        db.session.commit()
        assert in_step()


def test_a_search_for_a_meaning_finds_the_quote_of_the_expression(app, client, site):
    page = html.fromstring(client.get("/search?q=신생").data)
    hit = page.xpath("//li[@data-part='expressions-1']")[0]
    assert hit.xpath("string(.//h2/a/@href)") == post_path(app, site["newer"]) + "#block-1"


# --- the CSV ----------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_csv_holds_the_glossary_with_a_header_and_hangul_intact(app, client, site):
    response = client.get("/glossary.csv")
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=glossary.csv"
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header == "expression,meaning,quote,translation,headline,url"
    rows = read_csv(response)
    assert [row["expression"] for row in rows] == [
        "capital expenditure",
        "massive spending",
        "stuns",
        "upstart",
        "wary",
    ]
    upstart = rows[3]
    assert upstart["meaning"] == "신생 기업"
    assert upstart["quote"] == UPSTART_QUOTE and upstart["translation"] == "번역"
    assert upstart["headline"] == "Microsoft, Meta CEOs defend hefty AI spending"
    assert upstart["url"] == "http://localhost" + post_path(app, site["newer"]) + "#block-1"


def test_a_quote_with_commas_quotes_and_line_breaks_reads_back_as_written(client, make_commentary):
    quote = 'He said, "It\'s a bargain, really."\nThen: “more”, and more.'
    translation = '그는 말했다, "정말 싸다"고.\n그리고 “더”.'
    make_commentary("Quoted", [block(quote, "bargain = 싼 물건, 특가품", translation)])
    (row,) = read_csv(client.get("/glossary.csv"))
    assert (row["quote"], row["translation"], row["meaning"]) == (
        quote,
        translation,
        "싼 물건, 특가품",
    )


def test_a_csv_cell_never_starts_a_spreadsheet_formula(client, make_commentary):
    quote = "-1 is the answer +2 @all"
    make_commentary("Formulas", [block(quote, "-1 = =HYPERLINK(1)\n+2 = @SUM(1)", "+ 번역")])
    rows = read_csv(client.get("/glossary.csv"))
    cells = [
        row[name] for row in rows for name in ("expression", "meaning", "quote", "translation")
    ]
    assert all(cell[:1] not in "=+-@" for cell in cells), cells
    assert rows[0]["expression"] == "'+2" and rows[0]["meaning"] == "'@SUM(1)"


# --- the Anki deck ----------------------------------------------------------------------


@pytest.fixture
def anki(tmp_path):
    """A reader's empty Anki collection, and a way to import a downloaded deck into it with
    the options Anki itself starts with (update notes if newer)."""
    collection = Collection(str(tmp_path / "collection.anki2"))
    downloads = iter(range(1000))

    def import_deck(response):
        assert response.status_code == 200
        path = tmp_path / f"download-{next(downloads)}.apkg"
        path.write_bytes(response.data)
        collection.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        return {
            collection.get_note(note_id)["Expression"]: collection.get_note(note_id)
            for note_id in collection.find_notes("")
        }

    yield import_deck
    collection.close()


def test_the_deck_imports_into_anki_one_note_per_expression(app, client, site, anki):
    response = client.get("/glossary.apkg")
    assert response.headers["Content-Disposition"] == "attachment; filename=glossary.apkg"
    notes = anki(response)
    assert sorted(notes) == ["capital expenditure", "massive spending", "stuns", "upstart", "wary"]
    upstart = notes["upstart"]
    assert upstart["Quote"] == (
        "Days after Chinese <mark>upstart</mark> DeepSeek revealed a breakthrough in cheap AI "
        "computing that shook the U.S. technology industry, Microsoft and Meta defended "
        "massive spending. Their shares fell."
    )
    assert upstart["Meaning"] == "신생 기업" and upstart["Translation"] == "번역"
    url = "http://localhost" + post_path(app, site["newer"]) + "#block-1"
    assert (
        upstart["Article"] == f'<a href="{url}">Microsoft, Meta CEOs defend hefty AI spending</a>'
    )
    with app.app_context():
        slug = db.session.get(Commentary, site["newer"]).slug
    assert upstart.tags == [f"commentary::{site['newer']}-{slug}"]
    # Quote marks and ampersands are the field's HTML, escaped.
    assert "DeepSeek’s “breakthrough” <mark>stuns</mark>" in notes["stuns"]["Quote"]


def test_a_deck_field_is_escaped_html(client, make_commentary, anki):
    make_commentary(
        "<b>Bold</b> & co",
        [block("Use <script> & <mark>tags</mark> wisely.", "<script> = 태그 <i>", "<b>번역</b>")],
    )
    (note,) = anki(client.get("/glossary.apkg")).values()
    assert note["Expression"] == "&lt;script&gt;"
    assert note["Quote"] == (
        "Use <mark>&lt;script&gt;</mark> &amp; &lt;mark&gt;tags&lt;/mark&gt; wisely."
    )
    assert note["Meaning"] == "태그 &lt;i&gt;" and note["Translation"] == "&lt;b&gt;번역&lt;/b&gt;"
    assert note["Article"].endswith(">&lt;b&gt;Bold&lt;/b&gt; &amp; co</a>")


def test_a_new_download_after_an_edit_updates_the_notes_instead_of_adding_more(
    app, client, site, anki, clock
):
    assert len(anki(client.get("/glossary.apkg"))) == 5
    clock.shift(timedelta(minutes=5))
    with app.app_context():
        commentary = db.session.get(Commentary, site["newer"])
        # A new meaning; the blocks swapped (each keeps its row), so every position changes.
        first, second = commentary.blocks
        commentary.replace_blocks(
            [
                {"id": second.id, "quote": second.quote, "expressions": second.expressions},
                {
                    "id": first.id,
                    "quote": first.quote,
                    "expressions": "upstart = 신흥 강자\nmassive spending = 대규모 지출",
                },
            ]
        )
        saving.save(commentary)
        db.session.commit()
    notes = anki(client.get("/glossary.apkg"))
    assert len(notes) == 5  # none added
    assert notes["upstart"]["Meaning"] == "신흥 강자"
    assert notes["upstart"]["Article"].startswith(
        f'<a href="http://localhost{post_path(app, site["newer"])}#block-2">'
    )


def test_a_post_s_own_deck_and_the_whole_glossary_share_their_notes(app, client, site, anki):
    path = post_path(app, site["newer"])
    response = client.get(f"{path}/expressions.apkg")
    with app.app_context():
        slug = db.session.get(Commentary, site["newer"]).slug
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={site['newer']}-{slug}-expressions.apkg"
    )
    assert sorted(anki(response)) == ["massive spending", "stuns", "upstart", "wary"]
    assert len(anki(client.get("/glossary.apkg"))) == 5


# --- per post ---------------------------------------------------------------------------


def test_a_post_s_csv_holds_its_expressions_in_the_order_of_its_quotes(app, client, site):
    path = post_path(app, site["newer"])
    response = client.get(f"{path}/expressions.csv")
    assert response.headers["Content-Disposition"].endswith("-expressions.csv")
    rows = read_csv(response)
    assert [(row["expression"], row["url"].rpartition("#")[2]) for row in rows] == [
        ("upstart", "block-1"),
        ("massive spending", "block-1"),
        ("stuns", "block-2"),
        ("wary", "block-2"),
    ]


@pytest.mark.parametrize("kind", ["csv", "apkg"])
def test_a_post_s_downloads_move_to_its_address(app, client, site, kind):
    response = client.get(f"/commentary/{site['newer']}/expressions.{kind}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{post_path(app, site['newer'])}/expressions.{kind}"


# --- caching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/glossary",
        "/glossary.csv",
        "/glossary.apkg",
        "{post}/expressions.csv",
        "{post}/expressions.apkg",
    ],
)
def test_every_download_is_cached_like_a_page_and_fresh_for_the_owner(
    app, client, auth, site, make_commentary, path
):
    path = path.format(post=post_path(app, site["newer"]))
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache" and not first.headers.get("Set-Cookie")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert client.get(path).data == first.data  # from the page cache

    with app.app_context():
        commentary = db.session.get(Commentary, site["newer"])
        commentary.replace_blocks(
            [{"quote": UPSTART_QUOTE, "expressions": "upstart = 신흥 강자\nDeepSeek"}]
        )
        saving.save(commentary)
        db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.data != first.data

    auth.login()
    owner = client.get(path)
    assert owner.status_code == 200 and "ETag" not in owner.headers
    assert owner.headers["Cache-Control"] == "no-store"
    assert "Cookie" in owner.headers["Vary"]
