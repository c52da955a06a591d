"""A commenter follows their own comment at its private address, /comments/<token>."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from lxml import html

from blog.comments.moderation import moderate, owner_reply
from blog.comments.timer import form_token
from blog.comments.tokens import token_hash
from blog.extensions import db
from blog.models import Comment, CommentChange, CommentStatus, SiteState, utcnow
from blog.portability import export, import_json
from blog.posts import saving
from blog.site_settings import save_settings

from .conftest import empty_database
from .markup import errors_of, flashes, invalid_fields, text_of

CROSS_SITE = [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]


@pytest.fixture
def entry_id(make_entry):
    return make_entry(title="댓글 받을 글")


def send(client, app, post_id, **overrides) -> str:
    """Send a comment as a reader does; the private address it leads to."""
    with app.app_context():
        started = form_token(post_id, issued=utcnow() - timedelta(seconds=10))
    data = {"name": "독자", "body": "좋은 글 고맙습니다.", "website": "", "started": started}
    response = client.post(f"/diary/{post_id}/comments", data={**data, **overrides})
    assert response.status_code == 303, response.text
    assert "Set-Cookie" not in response.headers
    location = response.headers["Location"]
    assert re.fullmatch(r"/comments/[A-Za-z0-9_-]{43}\?sent=1#your-comment", location)
    return location.split("?")[0]


def the_comment(app) -> Comment:
    with app.app_context():
        comment = db.session.scalar(db.select(Comment).where(Comment.by_owner.is_(False)))
        db.session.expunge_all()
        return comment


def set_status(app, status: str) -> None:
    with app.app_context():
        moderate(db.session.scalars(db.select(Comment.id)).all(), status)
        db.session.commit()


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(SiteState.content_version))


def edit(client, address, headers=None, **data):
    return client.post(f"{address}/edit", data=data, headers=headers or {})


def delete(client, address, headers=None, confirm="yes"):
    return client.post(f"{address}/delete", data={"confirm": confirm}, headers=headers or {})


# --- the page in each state ---------------------------------------------------------------


def test_the_sender_lands_on_their_own_page_which_says_it_is_theirs(app, client, entry_id):
    address = send(client, app, entry_id)
    response = client.get(f"{address}?sent=1")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    tree = html.fromstring(response.text)
    assert flashes(response.text) == ["success"]
    # The private address is shown in full, to bookmark or copy.
    [shown] = tree.xpath('//input[@id="own-address"]')
    assert shown.get("value") == f"http://localhost{address}" and shown.get("readonly") is not None
    assert tree.xpath('//*[@id="own-address-title"]')
    assert "좋은 글 고맙습니다." in response.text
    [post_link] = tree.xpath('//*[@id="own-comment-title"]/a')
    assert unquote(post_link.get("href")) == f"/diary/{entry_id}-댓글-받을-글"
    assert post_link.text == "댓글 받을 글"
    # Waiting: the state says so, and the forms to change or delete it are there.
    assert tree.xpath('//*[@id="comment-state"][contains(@class, "--waiting")]')
    assert tree.xpath('//form[@id="edit-form"]') and tree.xpath('//form[@id="delete-form"]')
    assert text_of(response.text, "no-reply")


def test_the_stored_comment_keeps_only_the_tokens_hash(app, client, entry_id):
    address = send(client, app, entry_id)
    token = address.removeprefix("/comments/")
    comment = the_comment(app)
    assert comment.token_hash == token_hash(token) and len(comment.token_hash) == 64
    with app.app_context():
        for row in db.session.execute(db.select(Comment.__table__)).mappings():
            assert token not in str(dict(row))


def test_each_comment_gets_its_own_address(app, client, entry_id):
    first, second = send(client, app, entry_id), send(client, app, entry_id, body="둘째")
    assert first != second
    assert "둘째" in client.get(second).text and "둘째" not in client.get(first).text


def test_an_approved_comment_says_so_and_can_no_longer_be_edited(app, client, entry_id):
    address = send(client, app, entry_id)
    set_status(app, "approve")
    page = client.get(address).text
    tree = html.fromstring(page)
    assert tree.xpath('//*[@id="comment-state"][contains(@class, "--approved")]')
    comment_id = the_comment(app).id
    assert tree.xpath(f'//*[@id="comment-state"]/a[contains(@href, "#comment-{comment_id}")]')
    assert text_of(page, "no-edit") and not tree.xpath('//form[@id="edit-form"]')
    assert tree.xpath('//form[@id="delete-form"]')


def test_a_secret_comments_writer_sees_the_owners_reply(app, client, entry_id):
    address = send(client, app, entry_id, secret="y", body="주인님만 보세요")
    with app.app_context():
        parent = db.session.scalar(db.select(Comment))
        owner_reply(parent, "주인", "비밀 답글입니다")
        db.session.commit()
    # Nobody else sees either on the post.
    post_page = client.get(f"/diary/{entry_id}", follow_redirects=True).text
    assert "비밀 답글입니다" not in post_page and "주인님만 보세요" not in post_page
    page = client.get(address).text
    tree = html.fromstring(page)
    [reply] = tree.xpath('//*[contains(@class, "own-comment__replies")]/li')
    assert "비밀 답글입니다" in reply.text_content() and "주인" in reply.text_content()
    assert "comment--owner" in reply.get("class")
    assert tree.xpath('//*[@id="comment-state"][contains(@class, "--approved")]')
    assert "주인님만 보세요" in page and text_of(page, "no-reply") is None


def state_of(page: str) -> tuple:
    tree = html.fromstring(page)
    [state] = tree.xpath('//*[@id="comment-state"]')
    return state.get("class"), state.text_content(), bool(tree.xpath('//form[@id="edit-form"]'))


def test_a_comment_stored_as_spam_reads_as_waiting(app, client, entry_id):
    pending = send(client, app, entry_id)
    spam = send(client, app, entry_id, started="forged")  # no genuine timer: stored as spam
    with app.app_context():
        statuses = db.session.scalars(db.select(Comment.status).order_by(Comment.id)).all()
    assert statuses == [CommentStatus.PENDING, CommentStatus.SPAM]
    assert state_of(client.get(spam).text) == state_of(client.get(pending).text)
    assert "spam" not in client.get(spam).text.lower()


# --- wrong addresses ------------------------------------------------------------------------


def not_found_body(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
    # The page names its own address (canonical link, the language form): all else is equal.
    return re.sub(r'/(comments/[^"]*|no-such-page)"', 'PATH"', response.text)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character off
        lambda token: token[:20],  # a prefix
        lambda token: token + "x",  # longer
        lambda token: token.upper(),
        lambda token: "x" * 300,
        lambda token: "%00%ff%2e",  # malformed
        lambda token: token_hash(token),  # the stored hash is no key
    ],
)
def test_a_wrong_token_is_the_sites_ordinary_404(app, client, entry_id, wrong):
    token = send(client, app, entry_id).removeprefix("/comments/")
    ordinary = not_found_body(client, "/no-such-page")
    path = f"/comments/{wrong(token)}"
    assert not_found_body(client, path) == ordinary
    for action in ("edit", "delete"):
        assert client.post(f"{path}/{action}", data={"confirm": "yes"}).status_code == 404
    assert the_comment(app) is not None


def test_the_page_goes_when_the_post_leaves_the_public(app, client, entry_id):
    address = send(client, app, entry_id)
    with app.app_context():
        saving.trash(db.session.get(Comment, the_comment(app).id).post)
        db.session.commit()
    assert not_found_body(client, address) == not_found_body(client, "/no-such-page")


def test_a_comment_the_honeypot_drops_leads_to_nothing(app, client, entry_id):
    address = send(client, app, entry_id, website="http://spam.example")
    assert client.get(address).status_code == 404
    assert the_comment(app) is None


# --- editing and deleting -------------------------------------------------------------------


def test_the_writer_edits_a_waiting_comment(app, client, entry_id):
    address = send(client, app, entry_id)
    before = version(app)
    response = edit(client, address, name="고친 이름", body="고친 댓글\n둘째 줄")
    assert response.status_code == 303 and "Set-Cookie" not in response.headers
    assert response.headers["Location"] == f"{address}?saved=1"
    comment = the_comment(app)
    assert (comment.name, comment.body, comment.status) == (
        "고친 이름",
        "고친 댓글\n둘째 줄",
        CommentStatus.PENDING,
    )
    assert "고친 댓글<br>" in comment.body_html
    page = client.get(response.headers["Location"]).text
    assert flashes(page) == ["success"] and "고친 댓글" in page
    assert version(app) == before  # nothing readers see changed: the pages stay cached


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "독자", "body": ""}, "body"),
        ({"name": "독자", "body": "가" * 3001}, "body"),
        ({"name": "", "body": "지우면 안 되는 댓글"}, "name"),
        ({"name": "Owner", "body": "지우면 안 되는 댓글"}, "name"),
        ({"name": "\u202e\u200b\u3164", "body": "지우면 안 되는 댓글"}, "name"),
    ],
)
def test_an_invalid_edit_shows_everything_typed_with_a_message(app, client, entry_id, data, field):
    address = send(client, app, entry_id)
    response = edit(client, address, **data)
    assert response.status_code == 400
    assert invalid_fields(response.text) == [field] and errors_of(response.text, field)
    assert flashes(response.text) == ["error"]
    if data["body"] == "지우면 안 되는 댓글":
        assert "지우면 안 되는 댓글</textarea>" in response.text
    if data["name"] == "Owner":
        assert 'value="Owner"' in response.text
    assert the_comment(app).body == "좋은 글 고맙습니다."


def test_an_edit_is_judged_for_spam_again_and_never_leaves_spam(app, client, entry_id):
    address = send(client, app, entry_id)
    with app.app_context():
        save_settings({"blocked_words": "광고"})
        db.session.commit()
    assert edit(client, address, name="독자", body="광고 보세요").status_code == 303
    assert the_comment(app).status == CommentStatus.SPAM
    # The writer is told it waits, as ever; cleaning it up does not take it out of spam.
    assert "--waiting" in state_of(client.get(address).text)[0]
    assert edit(client, address, name="독자", body="깨끗한 글").status_code == 303
    assert the_comment(app).status == CommentStatus.SPAM


def test_an_edit_after_the_approval_is_refused_and_keeps_the_text(app, client, entry_id):
    address = send(client, app, entry_id)
    set_status(app, "approve")
    response = edit(client, address, name="독자", body="늦게 고친 댓글")
    assert response.status_code == 409
    assert flashes(response.text) == ["error"]
    assert "늦게 고친 댓글</textarea>" in response.text
    assert the_comment(app).body == "좋은 글 고맙습니다."


def test_the_writer_deletes_a_waiting_comment(app, client, entry_id):
    address = send(client, app, entry_id)
    before = version(app)
    response = delete(client, address)
    assert response.status_code == 303 and "Set-Cookie" not in response.headers
    assert response.headers["Location"] == "/comments/deleted"
    assert client.get("/comments/deleted").status_code == 200
    assert the_comment(app) is None
    assert client.get(address).status_code == 404
    assert version(app) == before


def test_deleting_asks_for_the_box_to_be_ticked(app, client, entry_id):
    address = send(client, app, entry_id)
    response = delete(client, address, confirm="")
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert html.fromstring(response.text).xpath('//input[@id="confirm-delete"][@aria-invalid]')
    assert the_comment(app) is not None


def test_an_approved_comment_may_be_taken_back_and_the_pages_forget_it(app, client, entry_id):
    address = send(client, app, entry_id, body="곧 지울 댓글")
    set_status(app, "approve")
    post = f"/diary/{entry_id}"
    assert "곧 지울 댓글" in client.get(post, follow_redirects=True).text  # now cached
    with app.app_context():
        owner_reply(db.session.scalar(db.select(Comment)), "주인", "답글")
        db.session.commit()
    before = version(app)
    assert delete(client, address).status_code == 303
    assert version(app) == before + 1
    with app.app_context():
        assert db.session.scalars(db.select(Comment)).all() == []  # the reply went with it
    assert "곧 지울 댓글" not in client.get(post, follow_redirects=True).text


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_changes_from_another_site_are_refused_without_a_cookie(app, client, entry_id, headers):
    address = send(client, app, entry_id)
    for response in (
        edit(client, address, headers, name="독자", body="남이 고친 글"),
        delete(client, address, headers),
    ):
        assert response.status_code == 403
        assert "Set-Cookie" not in response.headers
        assert "좋은 글 고맙습니다" not in response.text  # nothing of the page
    assert the_comment(app).body == "좋은 글 고맙습니다."


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}]
)
def test_changes_from_the_page_itself_are_taken(app, client, entry_id, headers):
    address = send(client, app, entry_id)
    assert edit(client, address, headers, name="독자", body="내가 고친 글").status_code == 303


@pytest.mark.parametrize("app_config", [{"COMMENT_RATE_LIMIT": 3}])
def test_edits_and_deletions_share_the_comments_rate_limit(app, client, entry_id):
    address = send(client, app, entry_id)  # 1
    assert edit(client, address, name="독자", body="첫 수정").status_code == 303  # 2
    assert edit(client, address, name="독자", body="둘째 수정").status_code == 303  # 3
    response = edit(client, address, name="독자", body="셋째 수정")
    assert response.status_code == 429
    assert flashes(response.text) == ["error"] and "셋째 수정</textarea>" in response.text
    assert delete(client, address).status_code == 429
    assert the_comment(app).body == "둘째 수정"
    # Sending another comment counts the changes too.
    with app.app_context():
        started = form_token(entry_id, issued=utcnow() - timedelta(seconds=10))
    data = {"name": "독자", "body": "새 댓글", "website": "", "started": started}
    assert client.post(f"/diary/{entry_id}/comments", data=data).status_code == 429


@pytest.mark.parametrize("app_config", [{"COMMENT_RATE_WINDOW_SECONDS": 60}])
def test_changes_are_forgotten_after_the_rate_limits_window(app, client, entry_id, clock):
    address = send(client, app, entry_id)
    edit(client, address, name="독자", body="첫 수정")
    clock.shift(timedelta(seconds=61))
    edit(client, address, name="독자", body="둘째 수정")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CommentChange)) == 1


# --- private: headers, caches, robots -------------------------------------------------------


def assert_private(response) -> None:
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "ETag" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_every_answer_of_the_page_is_private(app, client, entry_id):
    address = send(client, app, entry_id)
    assert_private(client.get(address))
    assert_private(edit(client, address, name="", body=""))  # 400
    assert_private(client.get(f"{address}x"))  # 404
    assert_private(edit(client, address, name="독자", body="고침"))  # 303
    assert_private(delete(client, address))
    assert_private(client.get("/comments/deleted"))
    assert '<meta name="robots" content="noindex">' in client.get("/comments/deleted").text


def test_the_page_is_never_kept_by_the_page_cache(app, client, entry_id):
    address = send(client, app, entry_id)
    assert "--waiting" in state_of(client.get(address).text)[0]
    # Approved behind the page cache's back (no content_changed): the next view still shows it.
    with app.app_context():
        db.session.execute(db.update(Comment).values(status=CommentStatus.APPROVED))
        db.session.commit()
    assert "--approved" in state_of(client.get(address).text)[0]
    assert not [key for key in app.extensions["page_cache"].pages if "/comments/" in key]
    client.get(f"/diary/{entry_id}", follow_redirects=True)
    assert app.extensions["page_cache"].pages  # while the post's page is kept


def test_the_page_is_not_in_the_sitemap(app, client, entry_id):
    send(client, app, entry_id)
    assert "/comments/" not in client.get("/sitemap.xml").text


def test_a_refused_comment_sets_no_cookie_either(app, client, entry_id):
    with app.app_context():
        started = form_token(entry_id, issued=utcnow() - timedelta(seconds=10))
    data = {"name": "독자", "body": "", "website": "", "started": started}
    response = client.post(f"/diary/{entry_id}/comments", data=data)
    assert response.status_code == 400 and flashes(response.text) == ["error"]
    assert "Set-Cookie" not in response.headers


def test_the_address_survives_export_and_import(app, client, entry_id):
    address = send(client, app, entry_id, body="이사 가는 댓글")
    with app.app_context():
        document = export.export_document()
        [exported] = [c for p in document["posts"] for c in p["comments"]]
        assert exported["token_hash"] == the_comment(app).token_hash
        empty_database()
        db.create_all()
        import_json.import_document(document)
        db.session.commit()
    assert "이사 가는 댓글" in client.get(address).text


@pytest.mark.parametrize("value", ["nothex", "A" * 64, 64])
def test_an_imported_token_hash_is_checked(app, client, entry_id, value):
    send(client, app, entry_id)
    with app.app_context():
        document = export.export_document()
        document["posts"][0]["comments"][0]["token_hash"] = value
        empty_database()
        db.create_all()
        with pytest.raises(import_json.ImportRefused):
            import_json.import_document(document)
