"""The owner builds a commentary block by block in a real browser; a visitor reads and studies it.

Without JavaScript each block button submits the form and the server shows it again with the
change; with JavaScript the same buttons act in place and renumber the fields, so a save posts
exactly the order on screen.
"""

import re

from playwright.sync_api import expect

from blog.extensions import db
from blog.models import Commentary, CommentStatus

from .conftest import DESKTOP, PHONE, log_in
from .content import BLOCKS, add_comment, add_commentary

HEADLINE = "Microsoft, Meta CEOs defend hefty AI spending"
OUTLET = "Reuters"
URL = "https://www.reuters.com/technology/ai-spending"
FIRST = (
    "Microsoft will spend $80 billion on AI.",
    "마이크로소프트는 AI에 800억 달러를 쓴다.",
    "엄청난 금액이다.",
)
SECOND = ("Investors have grown wary.", "투자자들은 경계하게 되었다.", "wary: 경계하는")
THIRD = (
    "Meta expects to spend $65 billion.",
    "메타는 650억 달러를 쓸 것으로 본다.",
    "메타도 만만치 않다.",
)
FOURTH = ("Demand keeps outpacing supply.", "수요가 계속 공급을 앞지른다.", "")

QUOTE, TRANSLATION, OPINION = "인용문 (영어 원문)", "번역", "내 생각"
POST_PAGE = re.compile(r"/commentary/\d+-[^/]+$")
PUBLISHED = "발행했습니다. 이제 누구나 볼 수 있습니다."


# --- the editor ---------------------------------------------------------------------------


def editor_blocks(page):
    return page.locator("[data-blocks] > [data-block]")


def fill_block(page, index: int, texts: tuple[str, str, str]) -> None:
    block = editor_blocks(page).nth(index)
    for label, text in zip((QUOTE, TRANSLATION, OPINION), texts, strict=True):
        block.get_by_label(label, exact=True).fill(text)


def shown_blocks(page) -> list[tuple[str, str, str]]:
    """What each block of the editor holds, read through its labels, in screen order."""
    blocks = editor_blocks(page)
    return [
        tuple(
            blocks.nth(index).get_by_label(label, exact=True).input_value()
            for label in (QUOTE, TRANSLATION, OPINION)
        )
        for index in range(blocks.count())
    ]


def block_titles(page) -> list[str]:
    return editor_blocks(page).locator("[data-block-title]").all_inner_texts()


def press(page, index: int, button: str) -> None:
    editor_blocks(page).nth(index).get_by_role("button", name=button).click()


def fill_article(page) -> None:
    page.get_by_label("기사 제목", exact=True).fill(HEADLINE)
    page.get_by_label("언론사", exact=True).fill(OUTLET)
    page.get_by_label("기사 주소 (URL)", exact=True).fill(URL)


def article_kept(page) -> None:
    assert page.get_by_label("기사 제목", exact=True).input_value() == HEADLINE
    assert page.get_by_label("언론사", exact=True).input_value() == OUTLET
    assert page.get_by_label("기사 주소 (URL)", exact=True).input_value() == URL


def reloads(page, action) -> None:
    """Run `action` (a block button without JavaScript): one POST, the editor shown again."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response.request.method == "POST" and response.status == 200
    assert page.url.endswith("/commentary/new")
    expect(page.locator("h1.page-title")).to_have_text("새 기사 해설")


# --- the public page ----------------------------------------------------------------------


def public_blocks(page, expected: list[tuple[str, str, str]]) -> None:
    """The page shows exactly these blocks in order, each with its anchor and languages."""
    sections = page.locator(".blocks > section.block")
    assert sections.evaluate_all("all => all.map(e => e.id)") == [
        f"block-{number}" for number in range(1, len(expected) + 1)
    ]
    for number, (quote, translation, opinion) in enumerate(expected, start=1):
        block = page.get_by_role("region", name=f"인용 {number}", exact=True)
        shown_quote = block.locator("blockquote")
        assert shown_quote.inner_text() == quote
        assert shown_quote.get_attribute("lang") == "en"
        assert shown_quote.get_attribute("cite") == URL
        shown_translation = block.locator(".translation__text")
        assert shown_translation.inner_text() == translation
        assert shown_translation.get_attribute("lang") == "ko"
        if opinion:
            shown_opinion = block.locator(".opinion .prose")
            assert shown_opinion.inner_text() == opinion
            assert shown_opinion.get_attribute("lang") == "ko"
        else:
            assert block.locator(".opinion").count() == 0
        anchor = block.get_by_role("link", name=f"인용 {number}", exact=True)
        assert anchor.get_attribute("href") == f"#block-{number}"


def test_blocks_without_javascript(new_context, live_server, live_app):
    owner = new_context(base_url=live_server, java_script_enabled=False).new_page()
    log_in(owner)
    owner.goto("/commentary/new")
    assert block_titles(owner) == ["인용 1"]
    fill_article(owner)
    fill_block(owner, 0, FIRST)

    reloads(owner, lambda: owner.get_by_role("button", name="블록 추가", exact=True).click())
    article_kept(owner)
    assert shown_blocks(owner) == [FIRST, ("", "", "")]
    assert block_titles(owner) == ["인용 1", "인용 2"]
    fill_block(owner, 1, SECOND)

    reloads(owner, lambda: owner.get_by_role("button", name="블록 추가", exact=True).click())
    fill_block(owner, 2, THIRD)
    assert shown_blocks(owner) == [FIRST, SECOND, THIRD]
    # The first block cannot move up, the last cannot move down.
    assert editor_blocks(owner).nth(0).get_by_role("button", name="위로").is_disabled()
    assert editor_blocks(owner).nth(2).get_by_role("button", name="아래로").is_disabled()

    reloads(owner, lambda: press(owner, 2, "위로"))
    assert shown_blocks(owner) == [FIRST, THIRD, SECOND]
    # The moved block's quote has the focus, ready to go on typing.
    expect(editor_blocks(owner).nth(1).get_by_label(QUOTE, exact=True)).to_be_focused()

    reloads(owner, lambda: press(owner, 0, "삭제"))
    assert shown_blocks(owner) == [THIRD, SECOND]
    assert block_titles(owner) == ["인용 1", "인용 2"]
    article_kept(owner)

    # Preview: the blocks in their order, nothing saved.
    reloads(owner, lambda: owner.get_by_role("button", name="미리보기", exact=True).click())
    preview = owner.get_by_role("region", name="미리보기")
    assert preview.locator("blockquote").all_inner_texts() == [THIRD[0], SECOND[0]]
    assert preview.locator(".translation__text").all_inner_texts() == [THIRD[1], SECOND[1]]
    assert shown_blocks(owner) == [THIRD, SECOND]
    with live_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Commentary)) == 0

    with owner.expect_navigation():
        owner.get_by_role("button", name="발행", exact=True).click()
    owner.wait_for_url(POST_PAGE)
    assert owner.get_by_role("status").inner_text() == PUBLISHED
    post_path = owner.url.removeprefix(live_server)

    visitor = new_context(base_url=live_server, java_script_enabled=False).new_page()
    assert visitor.goto(post_path).status == 200
    assert visitor.get_by_role("heading", level=1).inner_text() == HEADLINE
    public_blocks(visitor, [THIRD, SECOND])


FIELD_NAMES = ("block_id", "quote", "translation", "expressions", "opinion")
BUTTON_NAMES = ("move_up", "move_down", "insert_block", "remove_block")


def numbering(page) -> dict:
    """Every name, id and label link in the block list, and each button's number."""
    return page.locator("[data-blocks]").evaluate(
        """list => ({
            fields: [...list.querySelectorAll('input[name], textarea[name]')].map(e => e.name),
            ids: [...list.querySelectorAll('[id]')].map(e => e.id),
            labels: [...list.querySelectorAll('label')].map(e => e.htmlFor),
            // The block buttons (the formatting toolbar, in a block too, names none).
            buttons: [...list.querySelectorAll('button[name]')].map(e => e.name + '=' + e.value),
            allIds: [...document.querySelectorAll('[id]')].map(e => e.id),
        })"""
    )


def numbered_in_order(page, count: int) -> None:
    """Fields named blocks-0-…, blocks-1-… in screen order; labels, ids, buttons agree."""
    found = numbering(page)
    assert found["fields"] == [
        f"blocks-{index}-{name}" for index in range(count) for name in FIELD_NAMES
    ]
    assert found["labels"] == [
        f"blocks-{index}-{name}" for index in range(count) for name in FIELD_NAMES[1:]
    ]
    assert found["buttons"] == [
        f"{name}={index}" for index in range(count) for name in BUTTON_NAMES
    ]
    assert [i for i in found["ids"] if i.startswith("edit-block-")] == [
        f"edit-block-{index}" for index in range(count)
    ]
    assert len(found["allIds"]) == len(set(found["allIds"])), "duplicate ids"
    assert block_titles(page) == [f"인용 {number}" for number in range(1, count + 1)]
    jump = page.locator("[data-block-jump]")
    assert jump.locator("a").evaluate_all("all => all.map(a => a.getAttribute('href'))") == [
        f"#edit-block-{index}" for index in range(count)
    ]
    if count > 1:
        expect(page.get_by_role("navigation", name="인용으로 이동")).to_be_visible()
    blocks = editor_blocks(page)
    assert blocks.nth(0).get_by_role("button", name="위로").is_disabled()
    assert blocks.nth(count - 1).get_by_role("button", name="아래로").is_disabled()
    if count > 1:
        assert blocks.nth(0).get_by_role("button", name="아래로").is_enabled()
        assert blocks.nth(count - 1).get_by_role("button", name="위로").is_enabled()


def watch_in_place(page):
    """A check that the page has not navigated nor posted anything since this was called."""
    navigations, posts = [], []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.evaluate("window.stillTheSamePage = true")

    def check() -> None:
        assert navigations == [] and posts == [], (navigations, posts)
        assert page.evaluate("window.stillTheSamePage") is True

    return check


def test_blocks_with_javascript_act_in_place(new_context, live_server, live_app):
    owner = new_context(base_url=live_server, viewport=PHONE).new_page()
    log_in(owner)
    owner.goto("/commentary/new")
    still_in_place = watch_in_place(owner)
    fill_article(owner)
    fill_block(owner, 0, FIRST)

    owner.get_by_role("button", name="블록 추가", exact=True).click()
    still_in_place()
    # The new block's quote has the focus.
    expect(editor_blocks(owner).nth(1).get_by_label(QUOTE, exact=True)).to_be_focused()
    numbered_in_order(owner, 2)
    fill_block(owner, 1, SECOND)
    owner.get_by_role("button", name="블록 추가", exact=True).click()
    fill_block(owner, 2, THIRD)
    numbered_in_order(owner, 3)

    press(owner, 2, "위로")
    still_in_place()
    assert shown_blocks(owner) == [FIRST, THIRD, SECOND]
    numbered_in_order(owner, 3)
    # The focus stays on the button, so pressing again moves the block further.
    expect(editor_blocks(owner).nth(1).get_by_role("button", name="위로")).to_be_focused()

    press(owner, 0, "아래에 블록")
    still_in_place()
    assert shown_blocks(owner) == [FIRST, ("", "", ""), THIRD, SECOND]
    numbered_in_order(owner, 4)
    fill_block(owner, 1, FOURTH)

    press(owner, 0, "삭제")
    assert shown_blocks(owner) == [FOURTH, THIRD, SECOND]
    numbered_in_order(owner, 3)

    press(owner, 0, "아래로")
    assert shown_blocks(owner) == [THIRD, FOURTH, SECOND]
    numbered_in_order(owner, 3)
    article_kept(owner)
    still_in_place()
    assert owner.url == f"{live_server}/commentary/new"
    # The numbers above the blocks jump to one; it shows below them, not under them.
    owner.get_by_role("navigation", name="인용으로 이동").get_by_role("link", name="3").click()
    third = editor_blocks(owner).nth(2)
    expect(third.get_by_role("heading", name="인용 3")).to_be_in_viewport()
    heading_top = third.get_by_role("heading").bounding_box()["y"]
    numbers_bottom = owner.locator("[data-block-jump]").bounding_box()
    assert heading_top >= numbers_bottom["y"] + numbers_bottom["height"]

    owner.get_by_role("button", name="발행", exact=True).click()
    owner.wait_for_url(POST_PAGE)
    assert "#" not in owner.url  # the jump does not follow the save to the post page
    assert owner.get_by_role("status").inner_text() == PUBLISHED
    public_blocks(owner, [THIRD, FOURTH, SECOND])
    post_path = owner.url.removeprefix(live_server)
    with live_app.app_context():
        commentary = db.session.scalars(db.select(Commentary)).one()
        ids = {block.quote: block.id for block in commentary.blocks}

    # Editing: a moved block takes its id along, so comments on a quote stay with it.
    owner.goto(f"{post_path}/edit")
    assert shown_blocks(owner) == [THIRD, FOURTH, SECOND]
    press(owner, 2, "위로")
    press(owner, 1, "위로")
    assert shown_blocks(owner) == [SECOND, THIRD, FOURTH]
    numbered_in_order(owner, 3)
    owner.get_by_role("button", name="발행", exact=True).click()
    owner.wait_for_url(POST_PAGE)
    public_blocks(owner, [SECOND, THIRD, FOURTH])
    with live_app.app_context():
        commentary = db.session.scalars(db.select(Commentary)).one()
        assert {block.quote: block.id for block in commentary.blocks} == ids
        assert [block.position for block in commentary.blocks] == [0, 1, 2]


# --- study mode ---------------------------------------------------------------------------


def translations_open(page) -> list[bool]:
    return page.locator("details.translation").evaluate_all("all => all.map(d => d.open)")


def reveal(page, number: int) -> None:
    page.get_by_role("region", name=f"인용 {number}", exact=True).locator("summary").click()


def test_study_mode_without_javascript(new_context, live_server, live_app):
    post = add_commentary(live_app, BLOCKS[:3])
    visitor = new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE)
    page = visitor.new_page()
    page.goto(post["path"])
    assert translations_open(page) == [True, True, True]
    expect(page.locator(".translation__text").first).to_be_visible()
    # The script's button stays hidden without the script.
    assert page.get_by_role("button", name="번역 모두 가리기").count() == 0

    page.get_by_role("link", name="공부 모드: 번역 가리기", exact=True).click()
    page.wait_for_url(f"**{post['path']}?study=1#blocks")
    assert translations_open(page) == [False, False, False]
    expect(page.locator(".translation__text").first).to_be_hidden()

    reveal(page, 2)
    assert translations_open(page) == [False, True, False]
    expect(page.locator("#block-2 .translation__text")).to_have_text(BLOCKS[1]["translation"])
    reveal(page, 3)
    assert translations_open(page) == [False, True, True]
    reveal(page, 2)
    assert translations_open(page) == [False, False, True]

    page.get_by_role("link", name="번역 모두 보기", exact=True).click()
    page.wait_for_url(f"**{post['path']}#blocks")
    assert translations_open(page) == [True, True, True]


def test_study_mode_with_javascript_is_remembered(new_context, live_server, live_app):
    post = add_commentary(live_app, BLOCKS[:3])
    page = new_context(base_url=live_server, viewport=PHONE).new_page()
    page.goto(post["path"])
    assert translations_open(page) == [True, True, True]
    toggle = page.locator("[data-toggle-translations]")
    expect(toggle).to_have_text("번역 모두 가리기")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    # The button takes over from the link to ?study=1: one control, not two with one label.
    expect(page.locator("[data-study-link]")).to_be_hidden()

    toggle.click()
    assert translations_open(page) == [False, False, False]
    expect(toggle).to_have_text("번역 모두 보기")
    expect(toggle).to_have_attribute("aria-pressed", "true")

    page.reload()
    assert translations_open(page) == [False, False, False]
    expect(toggle).to_have_text("번역 모두 보기")
    # One translation can still be revealed on its own.
    reveal(page, 1)
    assert translations_open(page) == [True, False, False]

    toggle.click()
    assert translations_open(page) == [True, True, True]
    expect(toggle).to_have_text("번역 모두 가리기")
    page.reload()
    assert translations_open(page) == [True, True, True]
    expect(toggle).to_have_attribute("aria-pressed", "false")


# --- the side-by-side layout --------------------------------------------------------------


def layout_of(page, number: int = 1) -> str:
    """How block `number` is laid out: "side" (translation right of the quote, the opinion
    below both) or "stacked" (each below the one before)."""
    block = page.get_by_role("region", name=f"인용 {number}", exact=True)
    quote, translation, opinion = (
        block.locator(selector).bounding_box()
        for selector in ("blockquote", ".translation", ".opinion")
    )
    below_both = opinion["y"] >= max(quote["y"] + quote["height"], translation["y"])
    if translation["x"] >= quote["x"] + quote["width"] and translation["y"] < quote["y"] + 30:
        assert below_both and opinion["width"] > quote["width"] * 1.5
        return "side"
    assert translation["y"] >= quote["y"] + quote["height"] and below_both
    return "stacked"


def test_side_by_side_without_javascript(new_context, live_server, live_app):
    post = add_commentary(live_app, BLOCKS[:2])
    page = new_context(base_url=live_server, java_script_enabled=False, viewport=DESKTOP).new_page()
    page.goto(post["path"])
    assert layout_of(page) == "stacked"
    assert page.locator("[data-toggle-layout]").is_hidden()

    page.get_by_role("link", name="공부 모드: 번역 가리기", exact=True).click()
    page.get_by_role("link", name="원문·번역 나란히 보기", exact=True).click()
    page.wait_for_url(f"**{post['path']}?layout=side&study=1#blocks")
    page.get_by_role("region", name="인용 1", exact=True).locator("summary").click()
    assert layout_of(page) == "side"
    assert translations_open(page) == [True, False]  # study mode kept

    page.get_by_role("link", name="위아래로 보기", exact=True).click()
    page.wait_for_url(f"**{post['path']}?study=1#blocks")
    assert layout_of(page) == "stacked"

    # A phone keeps the stacked layout, and shows no link to the other.
    page.set_viewport_size(PHONE)
    page.goto(f"{post['path']}?layout=side")
    assert layout_of(page) == "stacked"
    expect(page.get_by_role("link", name="위아래로 보기")).to_be_hidden()


def test_side_by_side_with_javascript_is_remembered_without_a_cookie(
    new_context, live_server, live_app
):
    post = add_commentary(live_app, BLOCKS[:2])
    context = new_context(base_url=live_server, viewport=DESKTOP)
    page = context.new_page()
    page.goto(post["path"])
    assert layout_of(page) == "stacked"
    toggle = page.get_by_role("button", name="원문·번역 나란히 보기", exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-layout-link]")).to_be_hidden()  # the button took its place

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert layout_of(page) == "side"
    assert layout_of(page, 2) == "side"
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert layout_of(page) == "side"
    assert page.evaluate("localStorage.getItem('blog.commentary-layout')") == "side"
    assert context.cookies() == []

    # The same browser on a narrow window: stacked, and no button.
    page.set_viewport_size(PHONE)
    assert layout_of(page) == "stacked"
    expect(toggle).to_be_hidden()
    page.set_viewport_size(DESKTOP)
    toggle.click()
    page.reload()
    assert layout_of(page) == "stacked"
    expect(toggle).to_have_attribute("aria-pressed", "false")


def test_a_quote_links_to_its_approved_comments(new_context, live_server, live_app):
    post = add_commentary(live_app, BLOCKS[:3])
    first = add_comment(
        live_app, post["id"], "영어공부중", "wary of 처음 알았어요", block_id=post["blocks"][1]
    )
    add_comment(live_app, post["id"], "독자", "저도요", block_id=post["blocks"][1], minutes_ago=10)
    add_comment(
        live_app,
        post["id"],
        "새 독자",
        "대기 중",
        block_id=post["blocks"][2],
        status=CommentStatus.PENDING,
    )
    page = new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE).new_page()
    page.goto(post["path"])
    assert page.locator(".block__comment-count").count() == 1
    second = page.get_by_role("region", name="인용 2", exact=True)
    second.get_by_role("link", name="댓글 2개", exact=True).click()
    page.wait_for_url(f"**{post['path']}#comment-{first}")
    expect(page.locator(f"#comment-{first}")).to_be_in_viewport()
