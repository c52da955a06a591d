"""Key expressions under each quote: what the owner types, where they are found, how the page
marks them, and that the post's shape carries them (revisions, export, search)."""

import pytest
from lxml import html

from blog.extensions import db
from blog.models import Commentary, KeyExpression
from blog.posts import schema
from blog.study.expressions import Expression, occurs_in, parse, spans

from .markup import errors_of
from .test_commentary import commentary_form

QUOTE = (
    "Microsoft and Meta defended their hefty  spending on AI after the Chinese upstart "
    "DeepSeek’s “breakthrough” stuns the tech world."
)


def test_lines_are_expressions_with_optional_meanings_each_once():
    assert parse(
        "hefty spending = 막대한 지출\nupstart=신생 기업\n\n stuns \nHEFTY  Spending = 또\n"
    ) == [
        Expression("hefty spending", "막대한 지출"),
        Expression("upstart", "신생 기업"),
        Expression("stuns", ""),
    ]
    assert parse("capital expenditure ＝ 자본 지출") == [
        Expression("capital expenditure", "자본 지출")
    ]


@pytest.mark.parametrize(
    "expression, found",
    [
        ("hefty spending", True),  # two spaces in the quote
        ("HEFTY SPENDING", True),
        ("DeepSeek's", True),  # typed straight, curly in the quote
        ('"breakthrough"', True),
        ("stun", True),  # the start of a word: as a learner notes it
        ("art", False),  # inside "upstart": not the start of a word
        ("capital expenditure", False),
    ],
)
def test_an_expression_is_found_across_case_spaces_and_quote_marks(expression, found):
    assert occurs_in(expression, QUOTE) is found


def test_overlapping_expressions_mark_the_longer():
    found = [Expression("spending"), Expression("hefty spending"), Expression("upstart")]
    assert [QUOTE[start:end] for start, end, _ in spans(QUOTE, found)] == [
        "hefty  spending",
        "upstart",
    ]


def block(**extra):
    return {
        "quote": QUOTE,
        "translation": "마이크로소프트와 메타는 막대한 지출을 옹호했다.",
        **extra,
    }


def test_an_expression_not_in_its_quote_is_refused_at_that_block_with_everything_kept(
    app, client, auth
):
    auth.login()
    form = commentary_form(
        [block(), block(expressions="hefty spending = 막대한 지출\ncapex = 설비 투자")]
    )
    response = client.post("/commentary/new", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert errors_of(page, "blocks-1-expressions") and not errors_of(page, "blocks-0-expressions")
    assert "“capex”" in errors_of(page, "blocks-1-expressions")[0]
    typed = html.fromstring(page).xpath("string(//textarea[@name='blocks-1-expressions'])")
    assert typed.strip() == "hefty spending = 막대한 지출\ncapex = 설비 투자"
    with app.app_context():
        assert db.session.query(Commentary).count() == 0


def saved_commentary(client, auth, app, lines: str) -> tuple[int, str]:
    auth.login()
    response = client.post("/commentary/new", data=commentary_form([block(expressions=lines)]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        commentary = db.session.scalars(db.select(Commentary)).one()
        return commentary.id, f"/commentary/{commentary.id}-{commentary.slug}"


def test_expressions_are_rows_of_their_own_and_the_page_marks_them(app, client, auth):
    lines = "hefty spending = 막대한 지출\nupstart = 신생 기업\nstuns"
    post_id, path = saved_commentary(client, auth, app, lines)
    with app.app_context():
        rows = db.session.scalars(db.select(KeyExpression).order_by(KeyExpression.position)).all()
        assert [(row.expression, row.meaning) for row in rows] == [
            ("hefty spending", "막대한 지출"),
            ("upstart", "신생 기업"),
            ("stuns", ""),
        ]
    auth.logout()
    page = html.fromstring(client.get(path).data)
    quote = page.xpath("//section[@id='block-1']//blockquote")[0]
    assert quote.get("lang") == "en"
    marks = quote.xpath(".//a[@class='expression']")
    assert [mark.text_content() for mark in marks] == ["hefty  spending", "upstart", "stuns"]
    assert marks[0].get("href") == "#block-1-expression-1" and marks[0].xpath("./mark")
    meaning = page.xpath("//*[@id='block-1-expression-1']")[0]
    assert meaning.xpath("string(./dt)") == "hefty spending" and meaning.xpath("./dt/@lang") == [
        "en"
    ]
    assert meaning.xpath("string(./dd)") == "막대한 지출" and meaning.xpath("./dd/@lang") == ["ko"]
    assert not page.xpath("//*[@id='block-1-expression-3']/dd")  # no meaning written


def test_the_shape_carries_expressions_into_revisions_the_zip_and_search(app, client, auth):
    post_id, _ = saved_commentary(client, auth, app, "upstart = 신생 기업")
    with app.app_context():
        commentary = db.session.get(Commentary, post_id)
        data = schema.snapshot(commentary)
        assert data["blocks"][0]["expressions"] == "upstart = 신생 기업"
        assert commentary.revisions[0].data["blocks"][0]["expressions"] == "upstart = 신생 기업"
        assert "upstart = 신생 기업" in schema.markdown(data, "2026-12-02")
        assert ("expressions-1", "upstart = 신생 기업") in schema.search_parts(data)
    auth.logout()
    page = html.fromstring(client.get("/search?q=신생").data)
    assert page.xpath("//li[@data-part='expressions-1']")


def test_editing_keeps_the_rows_of_the_expressions_kept(app, client, auth):
    post_id, _ = saved_commentary(client, auth, app, "upstart = 신생 기업\nstuns")
    with app.app_context():
        commentary = db.session.get(Commentary, post_id)
        kept = commentary.blocks[0].expression_rows[1].id
        commentary.blocks[0].expressions = "stuns = 충격을 주다\nhefty spending"
        db.session.commit()
        rows = commentary.blocks[0].expression_rows
        assert [(row.expression, row.meaning) for row in rows] == [
            ("stuns", "충격을 주다"),
            ("hefty spending", ""),
        ]
        assert rows[0].id == kept
        assert db.session.query(KeyExpression).count() == 2


def test_a_commentary_ends_with_the_list_of_its_expressions(app, client, auth):
    _, path = saved_commentary(client, auth, app, "hefty spending = 막대한 지출\nstuns")
    auth.logout()
    page = html.fromstring(client.get(path).data)
    items = page.xpath("//section[@class='post-expressions']//li")
    assert [item.xpath("string(./a)") for item in items] == ["hefty spending", "stuns"]
    assert items[0].xpath("string(./a/@href)") == "#block-1"
    assert items[0].xpath("string(./span[@lang='ko'])") == "막대한 지출"
