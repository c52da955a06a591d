"""Owner login, logout, setup link, password change, throttling and the safe `next`."""

import pytest

from blog.auth.safe_next import safe_next_path
from blog.extensions import db
from blog.models import LoginFailure, Owner
from blog.setup_link import _read_or_create_token, announce_if_no_owner

from .conftest import OWNER_PASSWORD, AuthActions


def test_login_page_and_no_signup(client, owner):
    assert client.get("/login").status_code == 200
    for path in ("/register", "/signup", "/join"):
        assert client.get(path).status_code == 404


def test_login_then_logout(client, auth):
    response = auth.login()
    assert response.status_code == 303
    assert client.get("/diary/new").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/diary/new").status_code == 302


def test_logout_must_be_a_post(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405


def test_wrong_password_is_refused_with_a_generic_message(client, auth):
    response = auth.login(password="wrong password")
    assert response.status_code == 401
    assert "이름 또는 비밀번호가 맞지 않습니다" in response.text
    response = auth.login(username="nobody")
    assert "이름 또는 비밀번호가 맞지 않습니다" in response.text


def test_logout_ends_every_copy_of_the_session(app, client, auth):
    auth.login()
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/diary/new").status_code == 200
    auth.logout()
    assert stolen.get("/diary/new").status_code == 302


def test_login_starts_a_new_session(client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_cookie_is_httponly_and_lax(client, auth):
    response = auth.login(remember="y")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("app_config", [{"HTTPS": True}])
def test_cookies_are_secure_over_https(client, auth):
    response = auth.login(remember="y")
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie
    assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/diary/new", "/diary/new"),
        ("/diary/?page=2", "/diary/?page=2"),
        ("/tags/%ED%95%84", "/tags/%ED%95%84"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/\t/evil.example", None),
        (" //evil.example", None),
        ("/ /evil.example", None),
        ("https://evil.example", None),
        ("javascript:alert(1)", None),
        ("evil.example", None),
        ("/\x00/x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next(value, expected):
    assert safe_next_path(value) == expected


@pytest.mark.parametrize(
    "next_value", ["//evil.example", "/\t/evil.example", "https://evil.example"]
)
def test_login_ignores_unsafe_next(client, owner, auth, next_value):
    response = client.post(
        "/login",
        query_string={"next": next_value},
        data={"username": "owner", "password": OWNER_PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_login_follows_safe_next(client, auth):
    response = client.post(
        "/login?next=/diary/new", data={"username": "owner", "password": OWNER_PASSWORD}
    )
    assert response.headers["Location"] == "/diary/new"


def test_protected_page_sends_to_login_with_next(client, owner):
    response = client.get("/diary/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/diary/new")


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_FAILURES_PER_NAME": 3}])
def test_login_is_throttled_per_name(app, client, auth):
    for _ in range(3):
        assert auth.login(password="wrong").status_code == 401
    response = auth.login()  # even the right password must wait now
    assert response.status_code == 429
    assert "분 뒤에 다시 시도" in response.text


@pytest.mark.parametrize(
    "app_config", [{"LOGIN_FREE_FAILURES_PER_ADDRESS": 3, "LOGIN_FREE_FAILURES_PER_NAME": 100}]
)
def test_login_is_throttled_per_address(client, auth):
    for number in range(3):
        assert auth.login(username=f"guess{number}", password="wrong").status_code == 401
    assert auth.login().status_code == 429


def test_success_forgets_earlier_failures(app, client, auth):
    auth.login(password="wrong")
    auth.login()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 0


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, client, auth):
    auth.login()
    other_device = app.test_client()
    AuthActions(other_device).login()
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "new password 1",
            "confirm": "new password 1",
        },
    )
    assert response.status_code == 400
    response = client.post(
        "/account/password",
        data={
            "current_password": OWNER_PASSWORD,
            "new_password": "new password 1",
            "confirm": "new password 1",
        },
    )
    assert response.status_code == 303
    assert client.get("/diary/new").status_code == 200
    assert other_device.get("/diary/new").status_code == 302
    client.post("/logout")
    assert auth.login(password="new password 1").status_code == 303


def test_setup_link_creates_the_owner_once(app, client):
    with app.app_context():
        token = _read_or_create_token(app)
    assert client.get("/setup/wrong-token").status_code == 404
    response = client.post(
        f"/setup/{token}",
        data={"username": "나", "new_password": "long enough", "confirm": "long enough"},
    )
    assert response.status_code == 303
    assert client.get("/diary/new").status_code == 200  # logged in
    assert client.get(f"/setup/{token}").status_code == 404  # used up
    with app.app_context():
        assert db.session.scalar(db.select(Owner.username)) == "나"


def test_setup_link_is_printed_when_there_is_no_owner(app, capsys):
    announce_if_no_owner(app)
    printed = capsys.readouterr().err
    with app.app_context():
        assert f"/setup/{_read_or_create_token(app)}" in printed


def test_setup_link_is_not_printed_once_an_owner_exists(app, owner, capsys):
    announce_if_no_owner(app)
    assert "/setup/" not in capsys.readouterr().err


def test_login_page_says_where_the_setup_link_is(client):
    assert "설정 링크" in client.get("/login").text
