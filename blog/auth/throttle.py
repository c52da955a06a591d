"""Slowing down password guessing, per name tried and per address, across all workers.

A hard lockout would let anyone lock the one owner out, so failures buy growing waits
instead: the first few are free, then each further failure doubles the wait.
"""

import hashlib
import math
from datetime import timedelta

from flask import current_app

from ..extensions import db
from ..models import LoginFailure, utcnow

WINDOW = timedelta(hours=24)


def _key(kind: str, value: str) -> str:
    salted = f"{current_app.config['SECRET_KEY']}:{kind}:{value}"
    return hashlib.sha256(salted.encode()).hexdigest()


def keys_for(username: str, address: str | None) -> dict[str, str]:
    return {"name": _key("name", username.casefold()), "address": _key("address", address or "")}


def _free_failures(kind: str) -> int:
    config = current_app.config
    if kind == "name":
        return config["LOGIN_FREE_FAILURES_PER_NAME"]
    return config["LOGIN_FREE_FAILURES_PER_ADDRESS"]


def seconds_to_wait(keys: dict[str, str]) -> int:
    """How long this name/address must wait before the next try; 0 if it may try now."""
    now = utcnow()
    longest = 0.0
    for kind, key in keys.items():
        failures = db.session.scalars(
            db.select(LoginFailure.failed_at)
            .where(LoginFailure.key == key, LoginFailure.failed_at > now - WINDOW)
            .order_by(LoginFailure.failed_at.desc())
        ).all()
        extra = len(failures) - _free_failures(kind)
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
