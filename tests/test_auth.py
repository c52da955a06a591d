"""Owner login, logout, setup link, password change, throttling and the safe `next`."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from blog import config
from blog.auth import views
from blog.auth.safe_next import safe_next_path
from blog.extensions import db
from blog.models import LoginFailure, Owner
from blog.setup_link import _read_or_create_token, announce_if_no_owner

from .conftest import OWNER_NAME, OWNER_PASSWORD, AuthActions, make_app
from .markup import flash_texts, flashes, text_of

DEVICE_COOKIE = "login_device"


def client_from(app, address):
    """A browser of its own, at another address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def password_checks(monkeypatch):
    """Every password hash the login checks, counted (the real check still runs)."""
    spy = mock.Mock(wraps=check_password_hash)
    monkeypatch.setattr(views, "check_password_hash", spy)
    return spy


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
    wrong_password = auth.login(password="wrong password")
    assert wrong_password.status_code == 401 and flashes(wrong_password.text) == ["error"]
    unknown_name = auth.login(username="nobody")
    assert unknown_name.status_code == 401
    # The same words for both: the answer does not tell whether the name exists.
    assert flash_texts(unknown_name.text) == flash_texts(wrong_password.text)


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


@pytest.mark.parametrize(
    ("name", "path", "max_age"),
    [("remember_token", "/", None), (DEVICE_COOKIE, "/login", "Max-Age=31536000")],
)
def test_login_cookies_are_httponly_and_lax(client, auth, name, path, max_age):
    response = auth.login(remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Path={path}" in cookie
    assert max_age is None or max_age in cookie


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
def test_login_is_throttled_per_name_without_checking_the_password(
    app, client, auth, password_checks
):
    for _ in range(3):
        assert auth.login(password="wrong").status_code == 401
    assert password_checks.call_count == 3
    response = auth.login()  # even the right password must wait now, from an unknown client
    assert response.status_code == 429 and flashes(response.text) == ["error"]
    assert password_checks.call_count == 3  # a locked client's password is never checked


THROTTLE = {"LOGIN_FREE_FAILURES_PER_NAME": 3, "LOGIN_FAILURES_PER_DEVICE": 3}


def lock_the_name_from(client, name=OWNER_NAME) -> None:
    attacker = AuthActions(client)
    for _ in range(10):
        assert attacker.login(name, "wrong guess").status_code in (401, 429)
    assert attacker.login(name).status_code == 429  # unknown clients stay slow


def device_cookie(client) -> str:
    return client.get_cookie(DEVICE_COOKIE, path="/login").value


@pytest.mark.parametrize("app_config", [THROTTLE])
@pytest.mark.parametrize("owner_worker", ["same", "another"])
def test_an_attacker_cannot_lock_the_owner_out_of_a_known_device(
    app, app_config, tmp_path, client, auth, owner_worker
):
    auth.login()
    auth.logout()  # this browser now holds a device cookie for `owner`
    lock_the_name_from(client_from(app, "203.0.113.9"))
    stranger = client_from(app, "198.51.100.7")  # an unknown client elsewhere waits too
    assert AuthActions(stranger).login().status_code == 429
    # Another worker (another app on the same database) knows the device and the lockout.
    worker = make_app(tmp_path, **app_config) if owner_worker == "another" else app
    try:
        device = client
        if worker is not app:
            device = worker.test_client()
            device.set_cookie(DEVICE_COOKIE, device_cookie(client), path="/login")
        assert AuthActions(device).login().status_code == 303
        assert AuthActions(client_from(worker, "198.51.100.8")).login().status_code == 429
    finally:
        if worker is not app:
            with worker.app_context():
                db.engine.dispose()


@pytest.mark.parametrize("app_config", [THROTTLE])
@pytest.mark.parametrize("cookie", ["forged", "for another name"])
def test_only_a_signed_device_cookie_for_the_name_tried_is_exempt(app, client, auth, cookie):
    auth.login()
    auth.logout()
    name = OWNER_NAME
    if cookie == "forged":
        value = device_cookie(client)
        forged = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
        client.set_cookie(DEVICE_COOKIE, forged, path="/login")
    else:
        name = "someone else"
    lock_the_name_from(client_from(app, "203.0.113.9"), name)
    assert auth.login(username=name).status_code == 429


@pytest.mark.parametrize("app_config", [THROTTLE])
def test_a_known_device_is_locked_after_its_own_few_failures(app, client, auth, password_checks):
    auth.login()
    auth.logout()
    lock_the_name_from(client_from(app, "203.0.113.9"))
    checked = password_checks.call_count
    for _ in range(3):  # the device's own guesses are checked, despite the locked name
        assert auth.login(password="wrong").status_code == 401
    assert password_checks.call_count == checked + 3
    response = auth.login()  # past its limit the device is an unknown client: it waits
    assert response.status_code == 429 and flashes(response.text) == ["error"]
    assert password_checks.call_count == checked + 3


def hash_method(password_hash: str) -> str:
    """The method and parameters a werkzeug hash was made with, which set what checking costs."""
    return password_hash.split("$")[0]


def a_real_hash(app) -> str:
    """A hash made the way the owner's password is."""
    with app.app_context():
        owner = Owner()
        owner.set_password("x")
        return owner.password_hash


@pytest.mark.parametrize(
    "app_config", [{}, {"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}], ids=["tests", "scrypt"]
)
@pytest.mark.parametrize("username", ["nobody", "Owner", "x" * 50])
def test_an_unknown_name_costs_a_hash_like_a_known_one(
    app, client, auth, password_checks, username
):
    response = auth.login(username=username, password="some password")
    assert response.status_code == 401
    [((checked_hash, password), _)] = password_checks.call_args_list
    assert password == "some password"
    # Made the way real hashes are, so it costs as much to check.
    assert hash_method(checked_hash) == hash_method(a_real_hash(app))
    assert hash_method(checked_hash) == app.config["PASSWORD_HASH_METHOD"]


def test_real_passwords_are_hashed_with_werkzeugs_default_outside_the_tests():
    assert hash_method(generate_password_hash("x", method=config.PASSWORD_HASH_METHOD)) == (
        hash_method(generate_password_hash("x"))
    )


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


def test_setup_link_works_once_when_two_browsers_race(app, monkeypatch):
    with app.app_context():
        token = _read_or_create_token(app)
    both_checked = threading.Barrier(2, timeout=10)
    real_token_matches = views.token_matches

    def token_matches_then_wait(app_, candidate):
        matches = real_token_matches(app_, candidate)
        both_checked.wait()  # both requests have seen a valid link before either goes on
        return matches

    monkeypatch.setattr(views, "token_matches", token_matches_then_wait)
    statuses = []

    def create_owner(name):
        response = app.test_client().post(
            f"/setup/{token}",
            data={"username": name, "new_password": "long enough", "confirm": "long enough"},
        )
        statuses.append(response.status_code)

    racers = [threading.Thread(target=create_owner, args=(name,)) for name in ("하나", "둘")]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(statuses) == [303, 404]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Owner)) == 1


def test_setup_link_is_printed_when_there_is_no_owner(app, capsys):
    announce_if_no_owner(app)
    printed = capsys.readouterr().err
    with app.app_context():
        assert f"/setup/{_read_or_create_token(app)}" in printed


def test_setup_link_is_not_printed_once_an_owner_exists(app, owner, capsys):
    announce_if_no_owner(app)
    assert "/setup/" not in capsys.readouterr().err


def test_login_page_says_where_the_setup_link_is(client):
    assert text_of(client.get("/login").text, "setup-link-notice")


def remembered_browser(app, client, auth, cookie):
    """A new browser that holds only one of the login cookies of `client`."""
    auth.login(remember="y")
    browser = app.test_client()
    browser.set_cookie(cookie, client.get_cookie(cookie).value)
    return browser


def test_password_page_asks_a_remembered_login_for_the_password_again(app, client, auth):
    browser = remembered_browser(app, client, auth, "remember_token")
    assert browser.get("/diary/new").status_code == 200  # logged in from the cookie
    response = browser.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/password"
    page = browser.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="password"' in page.text
    assert flashes(page.text) == ["info"]  # asked for the password again
    response = browser.post(
        "/login?next=/account/password",
        data={"username": OWNER_NAME, "password": OWNER_PASSWORD},
    )
    assert response.headers["Location"] == "/account/password"
    assert browser.get("/account/password").status_code == 200


# Flask itself refuses a session cookie signed longer ago than PERMANENT_SESSION_LIFETIME (14
# days): here it outlives the remember duration, so that what ends the login is the server's
# own limit.
@pytest.mark.parametrize("app_config", [{"PERMANENT_SESSION_LIFETIME": timedelta(days=60)}])
@pytest.mark.parametrize("cookie", ["remember_token", "session"])
@pytest.mark.parametrize(("days_later", "logged_in"), [(29, True), (31, False)])
def test_logins_end_on_the_server_after_the_remember_duration(
    app, client, auth, clock, cookie, days_later, logged_in
):
    browser = remembered_browser(app, client, auth, cookie)
    clock.shift(timedelta(days=days_later))  # REMEMBER_COOKIE_DURATION is 30 days
    assert browser.get("/diary/new").status_code == (200 if logged_in else 302)


@pytest.mark.parametrize("username", ["own\x00er", "owner\x00", "\x00"])
def test_a_nul_in_the_login_name_is_a_plain_refusal(client, owner, username):
    response = client.post("/login", data={"username": username, "password": "x" * 10})
    assert response.status_code in (400, 401)
