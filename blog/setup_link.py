"""The one-time link that lets whoever started the site create the owner in the browser."""

import hmac
import os
import secrets

import click
import sqlalchemy as sa
from flask import Flask

from .extensions import db
from .models import Owner

TOKEN_FILE = "setup-token"


def _token_path(app: Flask) -> str:
    return os.path.join(app.instance_path, TOKEN_FILE)


def _read_or_create_token(app: Flask) -> str:
    """One token shared by every worker: the first process to start writes it."""
    path = _token_path(app)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as token_file:
            return token_file.read().strip()
    token = secrets.token_urlsafe(24)
    with os.fdopen(fd, "w", encoding="ascii") as token_file:
        token_file.write(token)
    return token


def owner_exists() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Owner)) > 0


def announce_if_no_owner(app: Flask) -> None:
    """Print the setup link to the console when there is a schema but no owner yet."""
    with app.app_context():
        if not sa.inspect(db.engine).has_table(Owner.__tablename__) or owner_exists():
            return
        token = _read_or_create_token(app)
    # The process cannot know the address readers use (a proxy, gunicorn's bind): give the
    # path on this site, and the whole link for `make run`.
    click.secho(
        "\n  No owner yet. Create one in the browser (this link works once):\n"
        f"    /setup/{token}  on this site, e.g. http://127.0.0.1:5000/setup/{token}\n"
        "  (or run: flask --app app set-owner NAME)\n",
        fg="yellow",
        err=True,
    )


def token_matches(app: Flask, candidate: str) -> bool:
    path = _token_path(app)
    if not os.path.exists(path):
        return False
    with open(path, encoding="ascii") as token_file:
        token = token_file.read().strip()
    return bool(token) and hmac.compare_digest(token.encode(), candidate.encode())


def use_up(app: Flask) -> bool:
    """Remove the link; True for the one caller that removed it, however many race for it (a
    file is unlinked once), so a request that gets False must not create an owner."""
    try:
        os.remove(_token_path(app))
    except FileNotFoundError:
        return False
    return True
