"""The owner hears of a comment: a reader comments in the browser, the site's own thread mails
it to a real SMTP server, the mail's link asks the owner to log in and opens the queue; in 설정
the owner chooses a digest and makes the moderation feed's address (axe on that page too).

E2E_SCREENSHOTS=DIR saves the settings page in every variant checked.
"""

import time

import pytest
from playwright.sync_api import expect

from blog.notify.outbox import stop_deliverer
from tests.test_mail import SMTPServer, free_port, parts

from .conftest import (
    OWN_PAGE,
    OWNER_NAME,
    OWNER_PASSWORD,
    Serving,
    build_live_app,
    drop_live_app,
)
from .content import add_diary_entry
from .test_accessibility import check_every_variant


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, smtp):
    app = build_live_app(
        tmp_path_factory.mktemp("comment-mail"),
        COMMENT_MIN_SECONDS=0,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        COMMENT_NOTIFY_TO="owner@example.com",
        MAIL_POLL_SECONDS=0.1,
    )
    entry = add_diary_entry(app, "알림 받을 일기", "오늘은 필라테스를 했다.")
    with Serving(app) as url:
        app.config["SITE_URL"] = url
        yield {"url": url, "entry": entry["path"]}
        stop_deliverer(app)
    drop_live_app(app)


def test_a_readers_comment_reaches_the_owner_by_mail_and_its_link_needs_the_login(
    new_context, site, smtp
):
    reader = new_context(base_url=site["url"], java_script_enabled=False).new_page()
    reader.goto(site["entry"])
    reader.get_by_label("이름", exact=True).fill("지나가던 독자")
    reader.get_by_role("textbox", name="댓글", exact=True).fill("메일로 알려 주세요 <b>굵게</b>")
    reader.get_by_role("button", name="댓글 보내기").click()
    reader.wait_for_url(OWN_PAGE)  # the reader lands on their own page
    deadline = time.monotonic() + 10
    while not smtp.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [(_, message)] = smtp.messages
    text, html = parts(message)
    assert "지나가던 독자" in text and "&lt;b&gt;굵게&lt;/b&gt;" in html
    queue = next(line for line in text.splitlines() if "/admin/comments?status=pending" in line)

    owner = new_context(base_url=site["url"]).new_page()
    owner.goto(queue)
    assert "/login" in owner.url  # the link alone approves nothing and shows nothing
    owner.get_by_label("이름", exact=True).fill(OWNER_NAME)
    owner.get_by_label("비밀번호", exact=True).fill(OWNER_PASSWORD)
    owner.get_by_role("button", name="로그인", exact=True).click()
    expect(owner.locator(".moderation__item")).to_contain_text("메일로 알려 주세요")


def test_the_owner_chooses_a_digest_and_makes_the_feed_address(new_context, site, owner_state):
    page = new_context(
        base_url=site["url"], storage_state=owner_state, java_script_enabled=False
    ).new_page()
    page.goto("/admin/settings")
    page.get_by_label("1시간마다 모아서 보내기").check()
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_label("1시간마다 모아서 보내기")).to_be_checked()
    page.get_by_role("button", name="주소 만들기").click()
    address = page.locator("#moderation-feed code")
    expect(address).to_contain_text("/moderation/")
    first = address.inner_text()
    assert page.request.get(first).status == 200
    page.get_by_role("button", name="주소 바꾸기").click()
    expect(address).not_to_have_text(first)
    assert page.request.get(first).status == 404
    assert page.request.get(address.inner_text()).status == 200


PAGES = {"settings-mail": (True, lambda page, site: page.goto("/admin/settings"), 200)}


def test_no_axe_violations_on_the_settings_with_the_feed(new_context, site, owner_state):
    check_every_variant(new_context, site, owner_state, PAGES, "settings-mail")
