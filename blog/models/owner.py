"""The one owner, and the failed logins kept to slow down guessing."""

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# The owner's row always has this id, and a CHECK allows no other: two processes creating
# the owner at once (the setup link, `flask set-owner`) cannot both succeed.
OWNER_ID = 1


class Owner(UserMixin, db.Model):
    """The one person who writes and moderates. There is never more than one row."""

    __table_args__ = (CheckConstraint(f"id = {OWNER_ID}", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=OWNER_ID)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login's id for this owner. Rotating it ends every copy of the session cookie
    # (and of the remember cookie), which a signed client-side session cannot do by itself.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # When the login this object was loaded for began (set by the user loader, in Unix
    # seconds); None for an owner looked up to log in, whose login begins now.
    login_started_at = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and in the remember cookie: the session token
        and when the login began, so that the user loader can refuse logins past their life."""
        started = self.login_started_at or int(utcnow().timestamp())
        return f"{self.session_token}.{started}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()


class LoginFailure(db.Model):
    """One failed login, keyed by a hash of the name tried or of the address it came from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
