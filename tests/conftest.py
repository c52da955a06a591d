"""Fixtures as in the Flask tutorial (app, client, runner, auth), factories and a clock."""

import os
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from blog import create_app
from blog.extensions import db
from blog.models import Commentary, DiaryEntry, Owner, Visibility, utcnow
from blog.notify.outbox import stop_deliverer
from blog.pagecache import stop_listening
from blog.posts import saving
from blog.stats import counter_of

# Set by `make test` for the second run against a real PostgreSQL server.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

OWNER_NAME = "owner"
OWNER_PASSWORD = "correct horse battery"
# Checking a real password hash takes about 130 ms, and most tests log in: the tests' app hashes
# with one cheap iteration instead (production keeps werkzeug's default, see blog/config.py).
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
OWNER_PASSWORD_HASH = generate_password_hash(OWNER_PASSWORD, method=TEST_PASSWORD_HASH_METHOD)


def make_app(tmp_path, **config):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "ANNOUNCE_SETUP_LINK": False,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        # Counting views starts a thread that writes every few seconds, later than a test that
        # made its own app and dropped its database: a connection opened then is left for the
        # garbage collector (a ResourceWarning in some later test). tests/test_stats.py counts.
        "VIEW_COUNTING": False,
    }
    settings.update(config)
    return create_app(settings, instance_path=str(tmp_path / "instance"))


@pytest.fixture
def app_config():
    """Override in a test module to change settings for its app."""
    return {}


def empty_database() -> None:
    """No tables at all, even after an interrupted run against a shared PostgreSQL database."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def stop_background_work(app) -> None:
    """Stop the app's threads: they must not write a finished test's views or mail into the
    next test's tables."""
    if (counter := counter_of(app)) is not None:
        counter.close()
    stop_deliverer(app)
    stop_listening(app)


@pytest.fixture
def app(tmp_path, app_config):
    app = make_app(tmp_path, **app_config)
    with app.app_context():
        empty_database()
        db.create_all()
    yield app
    stop_background_work(app)
    with app.app_context():
        empty_database()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def owner(app):
    with app.app_context():
        person = Owner(username=OWNER_NAME, password_hash=OWNER_PASSWORD_HASH)
        db.session.add(person)
        db.session.commit()
        return person.id


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username=OWNER_NAME, password=OWNER_PASSWORD, **extra):
        return self._client.post(
            "/login", data={"username": username, "password": password, **extra}
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client, owner):
    return AuthActions(client)


@pytest.fixture
def clock():
    """The test's one clock: time stands still from the test's start, for the whole process
    (datetime.now, so blog.models.utcnow, and time.time), and moves by clock.shift(timedelta)."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def _save(post, visibility, published_at, tags) -> int:
    """Publish (or not) a post made in a test and save it through the save path; its id."""
    post.set_tags(list(tags))
    if published_at is None and visibility == Visibility.PUBLIC:
        published_at = utcnow() - timedelta(minutes=1)
    post.set_publication(visibility, published_at)
    saving.save(post)
    db.session.commit()
    return post.id


@pytest.fixture
def make_entry(app):
    """Create a diary entry directly (with the day's numbers, if given); returns its id."""

    def make(
        body="본문", title="", visibility=Visibility.PUBLIC, published_at=None, tags=(), **numbers
    ):
        with app.app_context():
            entry = DiaryEntry(**numbers)
            entry.title = title
            entry.body = body
            return _save(entry, visibility, published_at, tags)

    return make


@pytest.fixture
def make_commentary(app):
    """Create a commentary directly from its parts; returns its id."""

    def make(
        title,
        blocks,
        summary="",
        visibility=Visibility.PUBLIC,
        published_at=None,
        tags=(),
        **article,
    ):
        with app.app_context():
            commentary = Commentary(**article)
            commentary.title = title
            commentary.replace_blocks(blocks)
            commentary.body = summary
            return _save(commentary, visibility, published_at, tags)

    return make


def count_writes(app) -> list[str]:
    """Every INSERT, UPDATE or DELETE this app sends to its database from now on."""
    writes = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return writes


@pytest.fixture
def statements_with_parameters(app):
    """Every statement the app sends from now on, with its parameters."""
    with app.app_context():
        engine = db.engine
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def hidden_state(state: str) -> dict:
    """make_entry/make_commentary arguments for a post the public may not see."""
    return {
        "draft": dict(visibility=Visibility.DRAFT),
        "private": dict(visibility=Visibility.PRIVATE, published_at=utcnow() - timedelta(days=1)),
        "scheduled": dict(published_at=utcnow() + timedelta(days=1)),
    }[state]
