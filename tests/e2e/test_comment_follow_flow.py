"""A reader sends a comment, lands on their own page for it, edits it there, and finds their
name filled in on the next comment form (localStorage).

The live app accepts a comment sent at once (COMMENT_MIN_SECONDS=0), as in test_comments_flow.
"""

import pytest
from playwright.sync_api import expect

from blog.extensions import db
from blog.models import Comment

from .conftest import OWN_PAGE, PHONE, build_live_app, drop_live_app
from .content import add_diary_entry
from .test_accessibility import VARIANTS, check

READER = "필라테스 하는 독자"


@pytest.fixture
def live_app(tmp_path):
    app = build_live_app(tmp_path, COMMENT_MIN_SECONDS=0)
    yield app
    drop_live_app(app)


def stored(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(c.name, c.body, c.status.value) for c in db.session.scalars(db.select(Comment))]


def test_a_reader_follows_and_edits_their_comment(new_context, live_server, live_app):
    entry = add_diary_entry(live_app, "오늘의 필라테스", "리포머 수업을 들었다.")
    context = new_context(base_url=live_server, viewport=PHONE)
    visitor = context.new_page()
    visitor.goto(entry["path"])
    form = visitor.locator("#comment-form")
    expect(form.get_by_label("이름", exact=True)).to_have_value("")
    form.get_by_label("이름", exact=True).fill(READER)
    form.get_by_label("댓글", exact=True).fill("저도 리포머 좋아해요")
    form.get_by_role("button", name="댓글 보내기", exact=True).click()

    # Their own page: the thanks, the address to keep, the comment waiting.
    visitor.wait_for_url(OWN_PAGE)
    token = OWN_PAGE.search(visitor.url).group(1)
    expect(visitor.get_by_role("status")).to_have_text("고맙습니다! 댓글을 보냈습니다.")
    address = visitor.get_by_label("내 개인 주소", exact=True)
    expect(address).to_have_value(f"{live_server}/comments/{token}")
    expect(visitor.locator("#comment-state")).to_contain_text("승인을 기다리고 있습니다")
    expect(visitor.get_by_role("link", name="오늘의 필라테스", exact=True)).to_be_visible()
    assert context.cookies() == []  # sending and landing set no cookie

    problems = [problem for variant in VARIANTS for problem in check(visitor, "own", variant)]
    assert not problems, "\n\n".join(problems)

    # Edited while it waits.
    visitor.set_viewport_size(PHONE)
    edit = visitor.locator("#edit-form")
    edit.get_by_label("댓글", exact=True).fill("저도 리포머 좋아해요. 다음엔 체어도!")
    edit.get_by_role("button", name="고친 내용 저장", exact=True).click()
    visitor.wait_for_url(f"**/comments/{token}?saved=1")
    expect(visitor.get_by_role("status")).to_have_text("고친 내용을 저장했습니다.")
    expect(visitor.locator(".own-comment__comment .comment__body")).to_have_text(
        "저도 리포머 좋아해요. 다음엔 체어도!"
    )
    assert stored(live_app) == [(READER, "저도 리포머 좋아해요. 다음엔 체어도!", "pending")]

    # The next comment form, on another post, has the name already (and still no cookie).
    other = add_diary_entry(live_app, "다음 날", "쉬었다.")
    visitor.goto(other["path"])
    expect(visitor.locator("#comment-form").get_by_label("이름", exact=True)).to_have_value(READER)
    assert visitor.evaluate("localStorage.getItem('comment-name')") == READER
    assert context.cookies() == []

    # Without JavaScript nothing is filled in, and the form works as ever.
    plain = new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = plain.new_page()
    page.goto(other["path"])
    expect(page.locator("#comment-form").get_by_label("이름", exact=True)).to_have_value("")
