"""Slowing down password guessing without letting anyone lock the owner out, in every worker.

Clients the site does not know are throttled per name tried and per address: the first few
failures are free, then each further failure doubles the wait, and a waiting client's password
is not even checked. Waits anyone can extend would keep the one owner out, so a browser the owner
has logged in from holds a device cookie (OWASP "Slow Down Online Guessing Attacks with Device
Cookies"): signed with the SECRET_KEY, it names the login name (as a keyed hash) and a random
device id. An attempt that carries one for the name tried is exempt from those waits and counts
only against its device; after LOGIN_FAILURES_PER_DEVICE failures within the window the cookie
is ignored and the browser waits like any unknown client. The state is in the database and in
the signed cookie, never in a worker's memory.
"""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import LoginFailure, utcnow

WINDOW = timedelta(hours=24)
DEVICE_COOKIE = "login_device"
# The failures a kind of key may have before it waits; a trusted device never waits (past its
# own limit it is not trusted any more, see keys_for).
_FREE_FAILURES_SETTING = {
    "name": "LOGIN_FREE_FAILURES_PER_NAME",
    "address": "LOGIN_FREE_FAILURES_PER_ADDRESS",
}


def _key(kind: str, value: str) -> str:
    salted = f"{current_app.config['SECRET_KEY']}:{kind}:{value}"
    return hashlib.sha256(salted.encode()).hexdigest()


def _name_key(username: str) -> str:
    return _key("name", username.casefold())


def _device_cookies() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _recent_failures(key: str, now: datetime) -> list[datetime]:
    return db.session.scalars(
        db.select(LoginFailure.failed_at)
        .where(LoginFailure.key == key, LoginFailure.failed_at > now - WINDOW)
        .order_by(LoginFailure.failed_at.desc())
    ).all()


def _trusted_device_key(device_cookie: str | None, name_key: str) -> str | None:
    """The device's key if the cookie is ours, for this name, and has failures to spare."""
    if not device_cookie:
        return None
    max_age = current_app.config["LOGIN_DEVICE_COOKIE_DURATION"].total_seconds()
    try:
        cookie_name_key, device_id = _device_cookies().loads(device_cookie, max_age=max_age)
    except BadSignature:  # also an expired one
        return None
    if cookie_name_key != name_key:
        return None
    key = _key("device", device_id)
    if len(_recent_failures(key, utcnow())) >= current_app.config["LOGIN_FAILURES_PER_DEVICE"]:
        return None
    return key


def keys_for(username: str, address: str | None, device_cookie: str | None) -> dict[str, str]:
    """What this attempt counts against: a trusted device's own key, or else the name's and
    the address's."""
    name_key = _name_key(username)
    device_key = _trusted_device_key(device_cookie, name_key)
    if device_key:
        return {"device": device_key}
    return {"name": name_key, "address": _key("address", address or "")}


def seconds_to_wait(keys: dict[str, str]) -> int:
    """How long this client must wait before the next try; 0 if it may try now."""
    now = utcnow()
    longest = 0.0
    for kind, key in keys.items():
        if kind not in _FREE_FAILURES_SETTING:
            continue
        failures = _recent_failures(key, now)
        extra = len(failures) - current_app.config[_FREE_FAILURES_SETTING[kind]]
        if extra < 0:
            continue
        wait = min(timedelta(minutes=2**extra), current_app.config["LOGIN_MAX_WAIT"])
        longest = max(longest, (failures[0] + wait - now).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def record_failure(keys: dict[str, str]) -> None:
    now = utcnow()
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW))
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in keys.values())


def forget_failures(keys: dict[str, str]) -> None:
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.key.in_(keys.values())))


def trust_device(response, username: str) -> None:
    """Give the browser that has just logged in as `username` a new device cookie."""
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        _device_cookies().dumps([_name_key(username), secrets.token_urlsafe(16)]),
        max_age=config["LOGIN_DEVICE_COOKIE_DURATION"],
        path=url_for("auth.login"),
        secure=config["HTTPS"],
        httponly=True,
        samesite="Lax",
    )
