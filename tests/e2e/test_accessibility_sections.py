"""axe-core finds no violations on the commentary pages, the comments and the owner's desk, at
phone and desktop width, light and dark; nothing scrolls sideways on a phone.

The same checks as test_accessibility.py (and E2E_SCREENSHOTS=DIR saves every page checked).
"""

import pytest
from playwright.sync_api import expect

from blog.models import CommentStatus

from .conftest import DESKTOP, PHONE, Serving, build_live_app, drop_live_app, open_owner_menu
from .content import BLOCKS, add_comment, add_commentary, add_diary_entry
from .test_accessibility import check_every_variant, submit

DIARY_TITLE = "필라테스 일기: 코어가 없는 돼지가 된 것 같은 날"
DIARY_BODY = "필라테스할때마다 느끼는거지만, **코어가** 없다.\n\n- 체중계 사기\n- 식단 시작하기\n"


def seed(app) -> dict[str, str]:
    """Commentaries with every part, a diary entry, comments in every state."""
    for number in range(3):
        add_commentary(
            app,
            BLOCKS[number : number + 2],
            f"Older article number {number + 1} about the economy",
            lead="",
            closing="",
            tags=("경제",),
            hours_ago=24 * (number + 2),
        )
    rich = add_commentary(app)
    second_quote = rich["blocks"][1]
    add_comment(
        app,
        rich["id"],
        "영어공부중",
        "wary of 표현 처음 알았어요! 참고: https://example.com/wary",
        block_id=second_quote,
        reply="도움이 되었다니 다행이에요. 같이 공부해요.",
        minutes_ago=90,
    )
    add_comment(app, rich["id"], "지나가던 독자", "요약이 깔끔하네요.", minutes_ago=60)
    add_comment(
        app,
        rich["id"],
        "새 독자",
        "메타 숫자가 650억 달러가 맞나요?",
        status=CommentStatus.PENDING,
        block_id=rich["blocks"][2],
        minutes_ago=20,
    )
    entry = add_diary_entry(app, DIARY_TITLE, DIARY_BODY, tags=("필라테스", "식단"))
    add_comment(
        app,
        entry["id"],
        "필라테스 동지",
        "저도 코어가 없어요 ㅠㅠ 같이 힘내요.",
        reply="감사합니다! 꾸준히 해 봐요.",
        minutes_ago=50,
    )
    add_comment(
        app,
        entry["id"],
        "광고봇",
        "최고의 광고를 보세요 https://spam.example/",
        status=CommentStatus.PENDING,
        minutes_ago=10,
    )
    add_comment(
        app,
        entry["id"],
        "비밀 손님",
        "몸무게 얘기는 저만 볼게요.",
        status=CommentStatus.PENDING,
        secret=True,
        minutes_ago=5,
    )
    return {"commentary": rich["path"], "entry": entry["path"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One served app for the module: these tests only read, preview, or fail to save."""
    app = build_live_app(tmp_path_factory.mktemp("a11y-sections"), COMMENT_MIN_SECONDS=0)
    paths = seed(app)
    with Serving(app) as url:
        yield {"url": url, **paths}
    drop_live_app(app)


def open_commentary(page, site):
    response = page.goto(site["commentary"])
    assert page.locator(".blocks > .block").count() == len(BLOCKS)
    owner_reply = page.locator("#comments .comment-replies .comment--owner")
    assert owner_reply.locator(".badge--owner").inner_text() == "주인"
    return response


def open_study_mode(page, site):
    response = page.goto(f"{site['commentary']}?study=1")
    assert page.locator("details.translation[open]").count() == 0
    return response


def open_entry(page, site):
    response = page.goto(site["entry"])
    assert page.locator("#comments .comment").count() == 2  # the comment and the reply
    assert page.locator("#comment-form").count() == 1
    return response


def open_editor_with_blocks(page, site):
    """Three blocks, added in place by the editor script, the first ones filled."""
    response = page.goto("/commentary/new")
    page.get_by_label("기사 제목", exact=True).fill("Microsoft, Meta CEOs defend AI")
    for index, block in enumerate(BLOCKS[:3]):
        if index:
            page.get_by_role("button", name="블록 추가", exact=True).click()
        editor_block = page.locator("[data-blocks] > [data-block]").nth(index)
        editor_block.get_by_label("인용문 (영어 원문)", exact=True).fill(block["quote"])
        editor_block.get_by_label("번역", exact=True).fill(block["translation"])
    assert page.locator("[data-blocks] > [data-block]").count() == 3
    return response


def open_editor_with_block_error(page, site):
    """A save refused: the second block has a translation but no quote."""
    page.goto("/commentary/new")
    page.get_by_label("기사 제목", exact=True).fill("Investors grow wary")
    page.get_by_label("인용문 (영어 원문)", exact=True).fill(BLOCKS[0]["quote"])
    page.get_by_role("button", name="블록 추가", exact=True).click()
    page.locator("#edit-block-1").get_by_label("번역", exact=True).fill(BLOCKS[1]["translation"])
    response = submit(page, "발행")
    quote = page.locator("#edit-block-1").get_by_label("인용문 (영어 원문)", exact=True)
    assert quote.get_attribute("aria-invalid") == "true"
    return response


def open_moderation(page, site):
    response = page.goto("/admin/comments")
    assert page.locator(".moderation__item").count() == 3
    return response


def open_side_by_side(page, site):
    response = page.goto(f"{site['commentary']}?layout=side")
    assert page.locator(".blocks--side").count() == 1
    return response


def open_menu(page, site):
    response = page.goto(site["commentary"])
    open_owner_menu(page)
    return response


# name: (needs the owner, how to get there, the HTTP status expected)
PAGES = {
    "commentary-list": (False, lambda page, site: page.goto("/commentary/"), 200),
    "commentary": (False, open_commentary, 200),
    "commentary-study": (False, open_study_mode, 200),
    "commentary-side": (False, open_side_by_side, 200),
    "owner-menu": (True, open_menu, 200),
    "entry-comments": (False, open_entry, 200),
    "owner-commentary": (True, open_commentary, 200),
    "commentary-editor": (True, lambda page, site: page.goto("/commentary/new"), 200),
    "commentary-editor-blocks": (True, open_editor_with_blocks, 200),
    "commentary-editor-error": (True, open_editor_with_block_error, 400),
    "moderation": (True, open_moderation, 200),
    "desk": (True, lambda page, site: page.goto("/admin/"), 200),
    "settings": (True, lambda page, site: page.goto("/admin/settings"), 200),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_phone_and_desktop_width(new_context, site, owner_state, name):
    check_every_variant(new_context, site, owner_state, PAGES, name)


# Every control of the header, as shown (a closed menu's items are not).
SHOWN_CONTROLS = """all => all.filter(e => e.checkVisibility()).map(e => {
    const box = e.getBoundingClientRect(); return box.top + box.height / 2; })"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_owner_header_is_one_row_with_the_pending_badge(new_context, site, owner_state, viewport):
    reader = new_context(base_url=site["url"], viewport=viewport).new_page()
    reader.goto("/")
    reader_height = reader.get_by_role("banner").bounding_box()["height"]
    page = new_context(
        base_url=site["url"], storage_state=owner_state, viewport=viewport
    ).new_page()
    page.goto("/")
    header = page.get_by_role("banner")
    expect(header.locator("summary .count")).to_have_text("3")  # the comments waiting (seed)

    middles = header.locator("a, button, summary").evaluate_all(SHOWN_CONTROLS)
    assert len(middles) >= 5  # the site's name, the three sections, the owner's menu
    assert max(middles) - min(middles) <= 2, middles
    assert header.bounding_box()["height"] == pytest.approx(reader_height, abs=1)

    # Open, the menu lies over the page: the header keeps its height, nothing goes off screen.
    menu = open_owner_menu(page)
    for name in ("새 일기", "새 기사 해설", "관리"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_role("button", name="로그아웃", exact=True)).to_be_visible()
    assert header.bounding_box()["height"] == pytest.approx(reader_height, abs=1)
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll_width <= width
    menu.get_by_role("link", name="관리").click()
    page.wait_for_url("**/admin/")
