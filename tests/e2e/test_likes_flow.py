"""A reader presses 공감 with JavaScript (the count changes in place) and without (the form
goes back to the post, which says so); neither gets a cookie; the owner sees the count only."""

from urllib.parse import unquote

from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, log_in
from .content import add_diary_entry

SHOTS = "/tmp/shots/17likes"
THANKS = "공감해 주셔서 고맙습니다!"
ALREADY = "오늘은 이미 공감하셨어요. 공감은 하루에 한 번 셉니다."


def like_button(page):
    return page.locator("#like").get_by_role("button")


def test_a_reader_likes_a_post_with_and_without_javascript(new_context, live_server, live_app):
    post = add_diary_entry(live_app, "공감 받을 일기", "오늘은 필라테스를 했다.")

    # With JavaScript: the count and the status change in place, the page stays.
    reader = new_context(base_url=live_server, viewport=PHONE)
    page = reader.new_page()
    page.goto(post["path"])
    expect(like_button(page)).to_have_text("♥ 공감 0")
    page.screenshot(path=f"{SHOTS}/footer-390.png", full_page=True)
    like_button(page).click()
    status = page.locator("#like").get_by_role("status")
    expect(status).to_have_text(THANKS)
    expect(like_button(page)).to_have_text("♥ 공감 1")
    assert unquote(page.url).endswith(post["path"])  # no navigation
    like_button(page).click()
    expect(status).to_have_text(ALREADY)
    expect(like_button(page)).to_have_text("♥ 공감 1")
    page.locator("#like").screenshot(path=f"{SHOTS}/liked-js-390.png")
    assert reader.cookies() == []

    # Without JavaScript, another reader (another browser): back to the post's #like.
    plain = new_context(
        base_url=live_server,
        viewport=DESKTOP,
        java_script_enabled=False,
        user_agent="Another browser",
        color_scheme="dark",
    )
    page = plain.new_page()
    page.goto(post["path"])
    like_button(page).click()
    page.wait_for_url("**?liked=new#like")
    expect(page.locator("#like").get_by_role("status")).to_have_text(THANKS)
    expect(like_button(page)).to_have_text("♥ 공감 2")
    page.screenshot(path=f"{SHOTS}/liked-nojs-dark-1280.png")
    assert plain.cookies() == []

    # The owner sees the count, and no button.
    owner = new_context(base_url=live_server, viewport=PHONE).new_page()
    log_in(owner)
    owner.goto(post["path"])
    expect(owner.locator("#like")).to_contain_text("공감 2")
    expect(like_button(owner)).to_have_count(0)
    owner.goto("/admin/")
    expect(owner.get_by_text("공감 2", exact=True)).to_be_visible()
    owner.screenshot(path=f"{SHOTS}/desk-390.png")
