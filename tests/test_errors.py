"""Error pages and the CSRF failure that keeps the writer's text."""

import pytest
from markupsafe import escape

from blog.errors import MESSAGES, NOT_SAVED

from .conftest import OWNER_PASSWORD
from .markup import flash_texts, shown


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def test_csrf_is_on_by_default(client, owner):
    data = {"username": "owner", "password": OWNER_PASSWORD}
    response = client.post("/login", data=data, headers=SAME_ORIGIN)
    assert response.status_code == 400


def test_expired_form_keeps_the_typed_text(app, client, owner):
    with client.session_transaction() as session:
        session["_user_id"] = _session_token(app)
        session["_fresh"] = True
    response = client.post(
        "/diary/new",
        data={"title": "제목", "body": "세 시간 동안 쓴 일기", "csrf_token": "expired"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    assert "세 시간 동안 쓴 일기</textarea>" in response.text
    assert 'name="csrf_token"' in response.text  # a fresh token to send it again
    assert 'action="/diary/new"' in response.text


def test_logged_out_save_keeps_the_typed_text(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/diary/new", data={"body": "로그인이 풀린 뒤에 쓴 글"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 401
    assert "로그인이 풀린 뒤에 쓴 글</textarea>" in response.text


def test_not_found_page_is_friendly(app, client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert '<h1 class="page-title">404</h1>' in response.text
    assert f"<p>{escape(shown(app, MESSAGES[404]))}</p>" in response.text
    assert '<p><a href="/">' in response.text  # a way home


def test_oversized_request_gets_413(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/login", data={"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def _session_token(app):
    from blog.extensions import db
    from blog.models import Owner

    with app.app_context():
        return db.session.scalar(db.select(Owner)).get_id()  # as Flask-Login keeps it


# What a hostile page's auto-submitted form looks like: no cookies (the owner's are
# SameSite=Lax), and the browser names the other site.
FOREIGN_POSTS = {
    "cross-site": {"Sec-Fetch-Site": "cross-site"},
    "sibling subdomain": {"Sec-Fetch-Site": "same-site"},
    "other origin, no fetch metadata": {"Origin": "https://evil.example"},
    "no proof at all": {},
}
OWNER_POSTS = [
    ("/diary/new", {"title": "남의 글", "body": "공격자가 쓴 글", "visibility": "public"}),
    ("/commentary/new", {"headline": "Forged", "blocks-0-quote": "Forged quote"}),
    ("/admin/settings", {"blocked_words": "", "comment_max_links": "100"}),
    ("/admin/posts/1/publish", {"back": "/admin/"}),
    ("/logout", {}),
]


@pytest.mark.parametrize("headers", FOREIGN_POSTS.values(), ids=FOREIGN_POSTS.keys())
@pytest.mark.parametrize("path, data", OWNER_POSTS, ids=[path for path, _ in OWNER_POSTS])
def test_a_post_from_another_site_gets_a_plain_403_with_no_token_or_cookie(
    client, owner, headers, path, data
):
    response = client.post(path, data=data, headers=headers)
    assert response.status_code == 403
    assert not response.headers.getlist("Set-Cookie")
    assert "csrf_token" not in response.text
    assert all(value not in response.text for value in data.values() if value)


def test_a_remembered_owner_is_not_logged_back_in_by_a_foreign_post(app, client, auth):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(remember="y")
    app.config["WTF_CSRF_ENABLED"] = True
    remember = client.get_cookie("remember_token")
    browser = app.test_client()  # the remember cookie only, as on a sibling subdomain's POST
    browser.set_cookie("remember_token", remember.value)
    response = browser.post(
        "/diary/new", data={"body": "공격자가 쓴 글"}, headers=FOREIGN_POSTS["sibling subdomain"]
    )
    assert response.status_code == 403
    assert not response.headers.getlist("Set-Cookie")


def test_a_logged_out_save_from_another_site_is_refused_too(app, client, owner):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/diary/new", data={"body": "공격자가 쓴 글"}, headers=FOREIGN_POSTS["cross-site"]
    )
    assert response.status_code == 403 and "공격자가 쓴 글" not in response.text
    assert not response.headers.getlist("Set-Cookie")


def fail_commits(app, monkeypatch) -> None:
    """The database refuses every commit, as SQLite does on a full disk."""
    from blog.extensions import db

    with app.app_context():
        dialect = db.engine.dialect

    def full_disk(connection):
        raise dialect.loaded_dbapi.OperationalError("database or disk is full")

    monkeypatch.setattr(dialect, "do_commit", full_disk)


def test_a_save_that_cannot_be_written_answers_503_with_everything_typed(
    app, client, auth, monkeypatch
):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login()
    fail_commits(app, monkeypatch)
    typed = {"title": "디스크가 가득 찬 날", "body": "한 시간 동안 쓴 일기", "tags": "필라테스"}
    response = client.post("/diary/new", data=typed, headers=SAME_ORIGIN)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert flash_texts(response.text) == [shown(app, NOT_SAVED)]  # and not the plain 503's
    for value in typed.values():
        assert f">{value}</textarea>" in response.text
    monkeypatch.undo()
    again = client.post("/diary/new", data=typed, headers=SAME_ORIGIN)
    assert again.status_code == 303  # the site recovers by itself


def test_a_comment_that_cannot_be_written_answers_503_with_the_text(
    app, client, make_entry, monkeypatch
):
    app.config["WTF_CSRF_ENABLED"] = False
    entry_id = make_entry(title="글")
    fail_commits(app, monkeypatch)
    comment = {"name": "독자", "body": "정성껏 쓴 댓글", "started": ""}
    response = client.post(f"/diary/{entry_id}/comments", data=comment, headers=SAME_ORIGIN)
    assert response.status_code == 503
    assert ">정성껏 쓴 댓글</textarea>" in response.text


def test_a_connection_lost_by_the_end_of_a_request_does_not_fail_its_answer(
    app, client, make_entry, monkeypatch
):
    """PostgreSQL restarting between a page's queries and the end of its request: the
    closing ROLLBACK fails on the dead connection, after the page was made."""
    from blog.extensions import db

    make_entry(title="글")
    with app.app_context():
        dialect = db.engine.dialect

    def server_gone(connection):
        raise dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    @app.after_request
    def the_server_goes_away(response):  # the page is made; the connection dies now
        monkeypatch.setattr(dialect, "do_rollback", server_gone)
        return response

    response = client.get("/diary/")
    assert response.status_code == 200 and "글" in response.text
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_the_form_own_fields_are_sent_again_but_not_shown(app, client, auth, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login()
    fail_commits(app, monkeypatch)
    typed = {"body": "일기", "version": "3", "save": "저장", "blocks-0-block_id": "7"}
    page = client.post("/diary/new", data=typed, headers=SAME_ORIGIN).text
    for name, value in typed.items():
        hidden = f'<input type="hidden" name="{name}" value="{value}">'
        assert (hidden in page) == (name != "body"), name
    assert ">일기</textarea>" in page
