"""Error pages and the CSRF failure that keeps the writer's text."""

import pytest

from .conftest import OWNER_PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_csrf_is_on_by_default(client, owner):
    response = client.post("/login", data={"username": "owner", "password": OWNER_PASSWORD})
    assert response.status_code == 400


def test_expired_form_keeps_the_typed_text(app, client, owner):
    with client.session_transaction() as session:
        session["_user_id"] = _session_token(app)
        session["_fresh"] = True
    response = client.post(
        "/diary/new",
        data={"title": "제목", "body": "세 시간 동안 쓴 일기", "csrf_token": "expired"},
    )
    assert response.status_code == 400
    assert "세 시간 동안 쓴 일기</textarea>" in response.text
    assert 'name="csrf_token"' in response.text  # a fresh token to send it again
    assert 'action="/diary/new"' in response.text


def test_logged_out_save_keeps_the_typed_text(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/diary/new", data={"body": "로그인이 풀린 뒤에 쓴 글"})
    assert response.status_code == 401
    assert "로그인이 풀린 뒤에 쓴 글</textarea>" in response.text


def test_not_found_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "여기에는 아무것도 없습니다" in response.text


def test_oversized_request_gets_413(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/login", data={"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def _session_token(app):
    from blog.extensions import db
    from blog.models import Owner

    with app.app_context():
        return db.session.scalar(db.select(Owner.session_token))
