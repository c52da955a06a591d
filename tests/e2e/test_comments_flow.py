"""A visitor comments on a quote of a commentary; the owner approves it on the moderation page.

The live app accepts a comment sent at once (COMMENT_MIN_SECONDS=0): the form timer would
otherwise store a test's quick comment as spam.
"""

import pytest
from playwright.sync_api import expect

from blog.models import CommentStatus

from .conftest import OWN_PAGE, PHONE, build_live_app, drop_live_app, log_in, open_owner_menu
from .content import BLOCKS, add_comment, add_commentary, add_diary_entry, comments_stored

READER, READER_TEXT = "지나가던 독자", "wary of 표현을 처음 알았어요. 고맙습니다!"
SECRET_READER, SECRET_TEXT = "조용한 독자", "주인님만 보세요: 오타가 하나 있어요."
SENT = "고맙습니다! 댓글을 보냈습니다."


@pytest.fixture
def live_app(tmp_path):
    """The conftest's app, but taking a comment sent at once (live_server serves this one)."""
    app = build_live_app(tmp_path, COMMENT_MIN_SECONDS=0)
    yield app
    drop_live_app(app)


def send_comment(page, name: str, body: str, secret: bool = False) -> None:
    form = page.locator("#comment-form")
    form.get_by_label("이름", exact=True).fill(name)
    form.get_by_label("댓글", exact=True).fill(body)
    if secret:
        form.get_by_label("비밀댓글 (주인만 볼 수 있음)", exact=True).check()
    form.get_by_role("button", name="댓글 보내기", exact=True).click()
    page.wait_for_url(OWN_PAGE)


def test_a_comment_on_a_quote_waits_for_the_owner(new_context, live_server, live_app):
    post = add_commentary(live_app, BLOCKS[:3])
    visitor = new_context(base_url=live_server, viewport=PHONE).new_page()
    visitor.goto(post["path"])

    # The link under quote 2 opens the form with quote 2 chosen.
    quote = visitor.get_by_role("region", name="인용 2", exact=True)
    quote.get_by_role("link", name="이 인용에 댓글 달기", exact=True).click()
    visitor.wait_for_url(f"**{post['path']}?comment_on={post['blocks'][1]}#comment-form")
    about = visitor.get_by_label("댓글 대상", exact=True)
    expect(about).to_have_value(str(post["blocks"][1]))
    assert about.locator("option:checked").inner_text() == "인용 2"
    expect(visitor.get_by_role("heading", name="댓글 남기기")).to_be_in_viewport()
    send_comment(visitor, READER, READER_TEXT)

    # The thanks shows on the sender's own page; on the post the comment does not show yet.
    expect(visitor.get_by_role("status")).to_have_text(SENT)
    expect(visitor.get_by_role("status")).to_be_in_viewport()
    visitor.goto(post["path"])
    comments = visitor.locator("#comments")
    expect(visitor.get_by_text(READER_TEXT)).to_have_count(0)
    expect(visitor.get_by_label("댓글 대상", exact=True)).to_have_value("")

    # A secret comment, on the whole post.
    send_comment(visitor, SECRET_READER, SECRET_TEXT, secret=True)
    expect(visitor.get_by_role("status")).to_have_text(SENT)
    visitor.goto(post["path"])
    assert comments_stored(live_app) == [
        (READER, READER_TEXT, "pending", False, 1),
        (SECRET_READER, SECRET_TEXT, "pending", True, None),
    ]

    # The owner: 관리 → 댓글, tick both, 승인.
    owner = new_context(base_url=live_server).new_page()
    log_in(owner)
    open_owner_menu(owner).get_by_role("link", name="관리").click()
    owner.wait_for_url("**/admin/")
    owner.get_by_role("navigation", name="관리").get_by_role("link", name="댓글").click()
    owner.wait_for_url("**/admin/comments")
    waiting = owner.locator(".moderation__item")
    expect(waiting).to_have_count(2)
    expect(waiting.filter(has_text=READER)).to_contain_text("인용 2에 대한 댓글")
    expect(waiting.filter(has_text=SECRET_READER).locator(".badge")).to_have_text("비밀")
    owner.get_by_role("checkbox", name=READER).check()
    owner.get_by_role("checkbox", name=SECRET_READER).check()
    bulk = owner.get_by_role("group", name="선택한 댓글", exact=True)
    bulk.get_by_role("button", name="승인", exact=True).click()
    owner.wait_for_load_state()
    expect(owner.get_by_role("status")).to_have_text("댓글 2개를 처리했습니다.")
    expect(owner.get_by_text("여기에는 댓글이 없습니다.")).to_be_visible()
    assert [status for _, _, status, _, _ in comments_stored(live_app)] == ["approved"] * 2

    # The visitor reloads: the approved comment shows, about quote 2; the secret one never.
    visitor.reload()
    shown = comments.locator(".comment")
    expect(shown).to_have_count(1)
    expect(shown.locator(".comment__name")).to_have_text(READER)
    expect(shown.locator(".comment__body")).to_have_text(READER_TEXT)
    about_quote = shown.get_by_role("link", name="인용 2에 대한 댓글", exact=True)
    expect(about_quote).to_have_attribute("href", "#block-2")
    expect(comments.get_by_role("heading", level=2)).to_have_text("댓글 1")
    expect(visitor.get_by_text(SECRET_TEXT)).to_have_count(0)
    expect(visitor.get_by_text(SECRET_READER)).to_have_count(0)

    # The owner sees both on the post, the secret one marked.
    owner.goto(post["path"])
    owner_view = owner.locator("#comments .comment")
    expect(owner_view).to_have_count(2)
    expect(owner_view.filter(has_text=SECRET_TEXT).locator(".badge")).to_have_text("비밀")


@pytest.mark.parametrize("javascript", [False, True])
def test_a_refused_comment_opens_at_the_form_on_a_phone(
    new_context, live_server, live_app, javascript
):
    long_text = "\n\n".join(f"{number}번째 문단: 오늘도 필라테스를 했다." for number in range(60))
    entry = add_diary_entry(live_app, "아주 긴 일기", long_text)
    visitor = new_context(
        base_url=live_server, viewport=PHONE, java_script_enabled=javascript
    ).new_page()
    visitor.goto(entry["path"])
    form = visitor.locator("#comment-form")
    form.get_by_label("이름", exact=True).fill(READER)
    form.get_by_role("button", name="댓글 보내기", exact=True).click()  # no comment written

    # The 400 answer is shown at the action's #comment-form: the form and its messages in
    # view, not the top of the long entry.
    visitor.wait_for_url("**/comments#comment-form")
    expect(form.get_by_role("alert")).to_be_in_viewport()
    expect(form.get_by_label("댓글", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(visitor.get_by_role("heading", level=1)).not_to_be_in_viewport()

    # Fixed and sent: the reader lands where the comment will appear once approved.
    form.get_by_label("댓글", exact=True).fill(READER_TEXT)
    form.get_by_role("button", name="댓글 보내기", exact=True).click()
    visitor.wait_for_url(OWN_PAGE)
    sent = visitor.get_by_role("status")
    expect(sent).to_have_text(SENT)
    expect(sent).to_be_in_viewport()


def test_the_owner_ticks_a_whole_page_and_is_asked_before_deleting(
    new_context, live_server, live_app
):
    entry = add_diary_entry(live_app, "댓글이 많은 일기", "오늘의 일기")
    for number in range(3):
        add_comment(live_app, entry["id"], f"독자 {number}", "광고", status=CommentStatus.PENDING)
    owner = new_context(base_url=live_server).new_page()
    log_in(owner)
    owner.goto("/admin/comments")
    every = owner.get_by_role("checkbox", name="이 페이지 모두 선택", exact=True)
    every.check()
    for number in range(3):
        expect(owner.get_by_role("checkbox", name=f"독자 {number}")).to_be_checked()
    owner.get_by_role("checkbox", name="독자 1").uncheck()
    assert every.evaluate("box => box.indeterminate")
    every.check()

    questions = []
    owner.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    bulk = owner.get_by_role("group", name="선택한 댓글", exact=True)
    bulk.get_by_role("button", name="삭제", exact=True).click()
    expect(owner.locator(".moderation__item")).to_have_count(3)
    assert questions == ["영구히 삭제할까요? 삭제한 댓글은 되살릴 수 없습니다."]
    assert len(comments_stored(live_app)) == 3

    owner.once("dialog", lambda dialog: dialog.accept())
    bulk.get_by_role("button", name="삭제", exact=True).click()
    expect(owner.get_by_role("status")).to_have_text("댓글 3개를 처리했습니다.")
    assert comments_stored(live_app) == []
