"""The owner writes, previews and saves a diary entry in a real browser; a visitor reads it.

Every feature must work without JavaScript, so the whole flow runs with it on and off.
"""

from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

from blog.extensions import db
from blog.models import DiaryEntry
from tests.conftest import OWNER_NAME, OWNER_PASSWORD

from .conftest import PHONE, log_in, open_owner_menu, owner_nav

TITLE = "필라테스 일기"
BODY = (
    "필라테스할때마다 느끼는거지만, 코어가 **정말** 없다.\n"
    "\n"
    "오늘 한 것:\n"
    "\n"
    "- 체중계 사기\n"
    "- 식단 시작하기\n"
)
DRAFT_TITLE = "아직 쓰는 중인 글"
PUBLISHED = "발행했습니다. 이제 누구나 볼 수 있습니다."
SAVED_AS_DRAFT = "임시 저장했습니다. 아직 나만 볼 수 있습니다."


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def entry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(DiaryEntry))


def write(page, title: str, body: str) -> None:
    page.get_by_label("제목 (선택)", exact=True).fill(title)
    page.get_by_label("본문", exact=True).fill(body)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_owner_writes_previews_saves_and_a_visitor_reads(
    new_context, live_server, live_app, javascript
):
    owner = new_context(base_url=live_server, java_script_enabled=javascript).new_page()
    log_in(owner)

    # Write, then preview: the Markdown is rendered and nothing is saved.
    owner.goto("/diary/new")
    write(owner, TITLE, BODY)
    owner.get_by_role("button", name="미리보기", exact=True).click()
    owner.wait_for_load_state()
    preview = owner.get_by_role("region", name="미리보기")
    assert preview.locator("strong").inner_text() == "정말"
    assert preview.get_by_role("listitem").all_inner_texts() == ["체중계 사기", "식단 시작하기"]
    assert preview.get_by_role("heading", level=1).inner_text() == TITLE
    assert path_of(owner.url) == "/diary/new"
    assert entry_count(live_app) == 0
    # Everything typed is still in the form, ready to save.
    assert owner.get_by_label("본문", exact=True).input_value() == BODY
    assert owner.get_by_label("제목 (선택)", exact=True).input_value() == TITLE

    # Publish: the browser lands on the entry's own page.
    owner.get_by_role("button", name="발행", exact=True).click()
    owner.wait_for_url("**/diary/*-*")
    entry_path = path_of(owner.url)
    assert entry_path.startswith("/diary/") and entry_path.endswith("-필라테스-일기")
    assert owner.get_by_role("status").inner_text() == PUBLISHED
    assert owner.get_by_role("heading", level=1).inner_text() == TITLE
    assert owner.locator(".prose strong").inner_text() == "정말"
    assert entry_count(live_app) == 1

    # A draft, saved with 임시 저장 (the other button), is the owner's alone.
    owner.goto("/diary/new")
    write(owner, DRAFT_TITLE, "초안")
    owner.get_by_role("button", name="임시 저장", exact=True).click()
    owner.wait_for_url("**/diary/*-*")
    draft_path = path_of(owner.url)
    assert draft_path != entry_path and draft_path.startswith("/diary/")
    assert owner.locator(".post-meta .badge").inner_text() == "임시 저장"
    assert owner.get_by_role("status").inner_text() == SAVED_AS_DRAFT
    assert entry_count(live_app) == 2

    # Log out with the button of the header's menu (a POST with the CSRF token).
    open_owner_menu(owner).get_by_role("button", name="로그아웃", exact=True).click()
    owner.wait_for_url(f"{live_server}/")
    assert owner.get_by_role("status").inner_text() == "로그아웃했습니다."
    assert owner_nav(owner).count() == 0
    assert owner.goto(draft_path).status == 404

    # A visitor in a fresh browser reads the public entry and cannot find the draft.
    visitor = new_context(base_url=live_server, java_script_enabled=javascript).new_page()
    response = visitor.goto(entry_path)
    assert response.status == 200
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    article = visitor.get_by_role("article")
    assert "필라테스할때마다 느끼는거지만" in article.inner_text()
    assert article.locator("strong").inner_text() == "정말"
    assert article.get_by_role("listitem").all_inner_texts() == ["체중계 사기", "식단 시작하기"]
    assert visitor.get_by_role("link", name="수정").count() == 0
    assert visitor.goto(draft_path).status == 404
    visitor.goto("/diary/")
    assert visitor.get_by_role("link", name=TITLE, exact=True).count() == 1
    assert visitor.get_by_text(DRAFT_TITLE).count() == 0


def test_a_refused_save_shows_its_errors_and_keeps_the_text(new_context, live_server, live_app):
    owner = new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE).new_page()
    log_in(owner)
    owner.goto("/diary/new")
    write(owner, TITLE, "")
    with owner.expect_response(lambda r: r.request.method == "POST") as posted:
        owner.get_by_role("button", name="발행", exact=True).click()
    assert posted.value.status == 400
    body = owner.get_by_label("본문", exact=True)
    assert body.get_attribute("aria-invalid") == "true"
    errors_id = body.get_attribute("aria-describedby").split()[-1]
    error = owner.locator(f"#{errors_id}")
    assert error.inner_text() == "내용을 쓰거나 기록을 하나 이상 적어 주세요."
    # On a phone the message shows without scrolling, above the sticky bar of buttons.
    expect(error).to_be_in_viewport()
    message, buttons = error.bounding_box(), owner.locator(".editor__actions").bounding_box()
    assert message["y"] + message["height"] <= buttons["y"]
    # The buttons take one row of a phone's screen, not two.
    publish = owner.get_by_role("button", name="발행", exact=True).bounding_box()
    assert buttons["height"] < 2 * publish["height"]
    assert body.evaluate("e => getComputedStyle(e).borderColor") == error_colour(owner)
    assert owner.get_by_label("제목 (선택)", exact=True).input_value() == TITLE
    assert entry_count(live_app) == 0

    # A one-line input in error is marked the same way (its border is the error colour).
    too_many_tags = ", ".join(f"태그{number}" for number in range(30))
    write(owner, TITLE, BODY)
    owner.get_by_label("태그", exact=True).fill(too_many_tags)
    with owner.expect_response(lambda r: r.request.method == "POST") as posted:
        owner.get_by_role("button", name="임시 저장", exact=True).click()
    assert posted.value.status == 400
    tags = owner.get_by_label("태그", exact=True)
    assert tags.get_attribute("aria-invalid") == "true"
    assert tags.evaluate("e => getComputedStyle(e).borderColor") == error_colour(owner)
    assert tags.input_value() == too_many_tags
    assert owner.get_by_label("본문", exact=True).input_value() == BODY
    assert entry_count(live_app) == 0


def test_publish_says_it_schedules_when_a_later_time_is_typed(new_context, live_server):
    owner = new_context(base_url=live_server).new_page()
    log_in(owner)
    owner.goto("/diary/new")
    publish = owner.locator("button[name='visibility'][value='public']")
    expect(publish).to_have_text("발행")
    owner.get_by_label("발행 시각", exact=True).fill("2999-01-01T09:00")
    expect(publish).to_have_text("예약 발행")
    owner.get_by_label("발행 시각", exact=True).fill("2000-01-01T09:00")
    expect(publish).to_have_text("발행")


def error_colour(page) -> str:
    return page.locator(".field__errors").first.evaluate("e => getComputedStyle(e).color")


def test_the_editor_needs_a_login_and_returns_to_it(new_context, live_server):
    page = new_context(base_url=live_server).new_page()
    page.goto("/diary/new")
    assert path_of(page.url) == "/login"
    name = page.get_by_label("이름", exact=True)
    password = page.get_by_label("비밀번호", exact=True)
    name.fill(OWNER_NAME)
    password.fill("wrong password")
    page.get_by_role("button", name="로그인", exact=True).click()
    assert page.get_by_role("status").inner_text() == "이름 또는 비밀번호가 맞지 않습니다."
    assert name.input_value() == OWNER_NAME
    password.fill(OWNER_PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url("**/diary/new")
    assert page.get_by_role("heading", level=1).inner_text() == "새 일기"


def test_csrf_is_on_in_the_served_app(new_context, live_server):
    """The browser flows above only prove something if forged posts are refused."""
    page = new_context(base_url=live_server).new_page()
    response = page.request.post(
        f"{live_server}/login", form={"username": "owner", "password": "x"}
    )
    assert response.status == 403  # no token, and no proof it came from the site's pages


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_owner_weighs_in_from_a_phone_in_a_few_taps(new_context, live_server, live_app, javascript):
    owner = new_context(
        base_url=live_server, viewport=PHONE, java_script_enabled=javascript
    ).new_page()
    log_in(owner)
    owner.goto("/diary/new")
    record = owner.locator("details#record")
    expect(record).not_to_have_attribute("open", "")  # folded away for a day with only words
    record.locator("summary").click()
    owner.get_by_label("몸무게(kg)", exact=True).fill("63,7")  # a phone's decimal comma
    owner.get_by_label("운동", exact=True).fill("필라테스")
    owner.get_by_label("시간(분)", exact=True).fill("50")
    owner.get_by_role("button", name="비공개 저장", exact=True).click()
    owner.wait_for_load_state()
    numbers = owner.get_by_role("region", name="기록")
    expect(numbers).to_contain_text("63.7 kg")
    expect(numbers).to_contain_text("필라테스 50분")
    with live_app.app_context():
        entry = db.session.scalar(db.select(DiaryEntry))
        assert (entry.weight_kg, entry.exercise_minutes, entry.state) == (63.7, 50, "private")
