"""Key expressions in the browser: 표현으로 추가 (add-expression.js) turns words selected in a
quote into a line of its block's expressions, in the first block and in one the editor's
script adds; axe on a commentary with expressions, for a reader and for the owner (with the
quote check against the pasted article), and on the editor showing a quote's warning.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from blog.extensions import db
from blog.models import Commentary
from blog.posts import saving

from .conftest import PHONE, Serving, build_live_app, drop_live_app, log_in
from .content import BLOCKS, add_commentary
from .test_accessibility import AXE, AXE_AGAIN, VARIANTS, check_every_variant, submit

QUOTE = (
    "Microsoft and Meta defended their hefty spending on AI after the Chinese upstart "
    "DeepSeek stuns the tech world."
)
SECOND_QUOTE = "Days after Chinese upstart DeepSeek revealed a breakthrough in cheap AI computing."
ADD = "표현으로 추가"


def quote_field(block):
    return block.get_by_label("인용문 (영어 원문)", exact=True)


def expressions_field(block):
    return block.get_by_label("핵심 표현 (선택)", exact=True)


def select_words(page, field, words: str, before: str = "") -> None:
    """Select `words` in `field` from the keyboard, as the owner would (Shift+arrows), after
    `before` more characters when they are given (a space or a mark chosen with them)."""
    start = field.input_value().index(words) - len(before)
    field.click()
    page.keyboard.press("Control+Home")
    for _ in range(start):
        page.keyboard.press("ArrowRight")
    for _ in range(len(before) + len(words)):
        page.keyboard.press("Shift+ArrowRight")


def caret(field) -> list[int]:
    return field.evaluate("f => [f.selectionStart, f.selectionEnd, f.value.length]")


def test_selected_words_become_key_expressions_in_every_block(new_context, live_server):
    page = new_context(base_url=live_server, viewport=PHONE).new_page()
    log_in(page)
    page.goto("/commentary/new")
    page.get_by_label("기사 제목", exact=True).fill("Microsoft, Meta CEOs defend hefty AI spending")
    first = page.locator("#edit-block-0")
    quote_field(first).fill(QUOTE)
    offer = first.get_by_role("button", name=ADD, exact=True)
    expect(offer).to_be_hidden()  # nothing selected

    select_words(page, quote_field(first), "hefty spending")
    expect(offer).to_be_visible()
    offer.click()
    field = expressions_field(first)
    expect(field).to_have_value("hefty spending")
    expect(field).to_be_focused()
    assert caret(field) == [14, 14, 14]  # at the end of the new line, for " = meaning"
    page.keyboard.type(" = 막대한 지출")
    expect(offer).to_be_hidden()

    # A second selection, with the space and full stop a drag takes along: a new line.
    select_words(page, quote_field(first), "tech world.", before=" ")
    offer.click()
    expect(field).to_have_value("hefty spending = 막대한 지출\ntech world")
    # The same words again are not added twice: the cursor goes to the end of their line.
    select_words(page, quote_field(first), "hefty spending")
    offer.click()
    expect(field).to_have_value("hefty spending = 막대한 지출\ntech world")
    assert caret(field)[:2] == [len("hefty spending = 막대한 지출")] * 2

    # Never while an input method composes (the events a phone's keyboard sends).
    select_words(page, quote_field(first), "upstart")
    quote_field(first).dispatch_event("compositionstart")
    offer.click()
    expect(field).to_have_value("hefty spending = 막대한 지출\ntech world")
    quote_field(first).dispatch_event("compositionend")
    expect(field).to_have_value("hefty spending = 막대한 지출\ntech world\nupstart")
    # The edit was an input event: the browser's copy (autosave.js, 0.4 s later) has it.
    page.wait_for_function(
        """() => {
            const kept = JSON.parse(localStorage.getItem("blog.autosave:/commentary/new"));
            return kept && kept.values["blocks-0-expressions"].endsWith("\\nupstart");
        }"""
    )

    # A block the editor's script adds (a copy of its <template>) works the same.
    page.get_by_role("button", name="블록 추가", exact=True).click()
    second = page.locator("#edit-block-1")
    quote_field(second).fill(SECOND_QUOTE)
    select_words(page, quote_field(second), "breakthrough")
    expect(first.get_by_role("button", name=ADD, exact=True)).to_be_hidden()
    second.get_by_role("button", name=ADD, exact=True).click()
    expect(expressions_field(second)).to_have_value("breakthrough")
    page.keyboard.type(" = 돌파구")

    page.get_by_label("요약", exact=True).fill("빅테크는 AI 투자를 줄일 생각이 없다.")
    submit(page, "발행")
    expect(page.locator("#block-1 blockquote a.expression mark")).to_have_text(
        ["hefty spending", "upstart", "tech world"]
    )
    expect(page.locator("#block-1-expression-1 dd")).to_have_text("막대한 지출")
    expect(page.locator("#block-2 blockquote mark")).to_have_text("breakthrough")


def test_without_javascript_the_button_never_shows(new_context, live_server):
    context = new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page)
    page.goto("/commentary/new")
    expect(page.get_by_role("button", name=ADD, exact=True)).to_have_count(0)
    expect(page.locator("[data-add-expression]")).to_be_hidden()


# --- axe ------------------------------------------------------------------------------------

ARTICLE = (
    "Microsoft said it would spend $80 billion on AI data centers this fiscal year. "
    "Investors have grown wary of the returns on such spending. Meta expects capital "
    "expenses of up to $65 billion in 2025. Chief executives argued that demand for AI "
    "services keeps outpacing supply, and that the spending would pay off over time."
)
WITH_EXPRESSIONS = [
    {**BLOCKS[0], "expressions": "fiscal year = 회계연도\ndata centers = 데이터센터"},
    # A typo against the article: the owner's page warns at it.
    {
        **BLOCKS[1],
        "quote": "Investors have grown weary of the returns on such spending.",
        "expressions": "grown = 점점 ~해졌다",
    },
    {**BLOCKS[2], "expressions": "capital expenses = 자본 지출"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the module: a published commentary with expressions and its article
    pasted (these tests only read, or preview)."""
    app = build_live_app(tmp_path_factory.mktemp("expressions"))
    commentary = add_commentary(app, WITH_EXPRESSIONS)
    with app.app_context():
        post = db.session.get(Commentary, commentary["id"])
        post.article_text = ARTICLE
        saving.save(post)
        db.session.commit()
    with Serving(app) as url:
        yield {"url": url, "commentary": commentary["path"]}
    drop_live_app(app)


def open_commentary(page, site):
    response = page.goto(site["commentary"])
    assert page.locator("blockquote a.expression").count() == 4
    return response


def open_owner_commentary(page, site):
    response = open_commentary(page, site)
    assert page.locator(".quote-check").count() == 1 and page.locator(".quote-share").count() == 1
    return response


def open_editor_with_warning(page, site):
    page.goto(f"{site['commentary']}/edit")
    response = submit(page, "미리보기")
    expect(page.locator("#blocks-1-quote-check .quote-check__passage del")).to_have_text("weary")
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "commentary-expressions": (False, open_commentary, 200),
    "owner-commentary-quote-check": (True, open_owner_commentary, 200),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)


def test_no_axe_violations_in_the_editor_showing_a_quote_warning(new_context, site, owner_state):
    page = new_context(base_url=site["url"], storage_state=owner_state).new_page()
    assert open_editor_with_warning(page, site).status == 200
    problems = []
    for name, variant in VARIANTS.items():
        page.set_viewport_size(variant["viewport"])
        page.emulate_media(color_scheme=variant["color_scheme"])
        # The photo field's file input has no <label> of its own on this branch (the photos
        # core's, not this page's): left out here, every other part of the editor is checked.
        axe = AXE_AGAIN if page.evaluate("'axe' in window") else AXE
        results = axe.run(page, context={"exclude": [["[data-photo-upload] input[type=file]"]]})
        if results.violations_count:
            problems.append(f"{name}: {results.generate_report()}")
        screenshots = os.environ.get("E2E_SCREENSHOTS")
        if screenshots:
            page.screenshot(
                path=Path(screenshots) / f"editor-quote-warning-{name}.png", full_page=True
            )
    assert not problems, "\n\n".join(problems)
