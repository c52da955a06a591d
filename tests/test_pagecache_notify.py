"""A cached read asks the database nothing while it vouches that nothing changed
(blog/pagenotify: PostgreSQL's notifications, SQLite's data version), and no reader gets a page
older than its replacement by more than the stated bound."""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from blog.extensions import db
from blog.models import DiaryEntry, Visibility, utcnow
from blog.posts import saving

from .conftest import TEST_DATABASE_URL, make_app, stop_background_work
from .test_pagecache import count_flask_requests
from .test_reactions import driver_statements, like

on_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="LISTEN/NOTIFY is PostgreSQL's: SQLite's data version has no connection to lose",
)
# The README's bound for a notification: a reader may get the old page this long after the
# commit, at most (on one machine a notification takes well under a millisecond; the margin is
# for a loaded test machine).
BOUND_SECONDS = 0.5


def wait_for(condition, deadline: float = 5.0, what: str = "the condition"):
    """Poll `condition` until it holds (its value) or the deadline passes (fails)."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"{what} did not happen within {deadline} s")
        time.sleep(0.002)


def listener_of(app):
    return app.extensions["reader_cache"].listener


def listening(app, client):
    """Start the app's listener (its first request does) and wait until it listens (on
    SQLite, the data version's watch is there at once)."""
    client.get("/robots.txt")
    if not TEST_DATABASE_URL:
        return listener_of(app)
    return wait_for(
        lambda: (found := listener_of(app)) is not None and found.trusted_since and found,
        what="LISTEN",
    )


@contextmanager
def queries_sent(app, monkeypatch):
    """Every statement the app sends: through SQLAlchemy, and on the page cache's own raw
    connections (which SQLAlchemy's events do not see), and every connection checked out."""
    with app.app_context():
        engine = db.engine
    through_sqlalchemy, checkouts = [], []

    def statement(conn, cursor, sql, *args):
        through_sqlalchemy.append(sql)

    def checkout(*args):
        checkouts.append(1)

    raw = driver_statements(app, monkeypatch)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "checkout", checkout)
    sent = {"sqlalchemy": through_sqlalchemy, "raw": raw, "checkouts": checkouts}
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "checkout", checkout)
        monkeypatch.undo()


def save_entry(app, title: str) -> int:
    with app.app_context():
        entry = DiaryEntry()
        entry.title, entry.body = title, "본문"
        entry.set_publication(Visibility.PUBLIC, None)
        saving.save(entry)
        db.session.commit()
        return entry.id


@pytest.fixture
def other_app(app, tmp_path):
    """A second instance on the same database (another worker, another machine)."""
    other = make_app(
        tmp_path / "other", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
    )
    yield other
    stop_background_work(other)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_cached_read_asks_nothing_while_the_database_vouches_for_it(
    app, client, make_entry, monkeypatch
):
    make_entry(title="글", tags=["태그"])
    listening(app, client)
    for path in ("/", "/diary/", "/tags/태그"):
        client.get(path)  # rendered and kept
        client.get(path)  # a read shows it current: from here on, the notifications say
        reached_flask = count_flask_requests(app, monkeypatch)
        with queries_sent(app, monkeypatch) as sent:
            for _ in range(3):
                assert client.get(path).status_code == 200
        assert not reached_flask, path
        assert not sent["sqlalchemy"], path
        assert not sent["raw"] and not sent["checkouts"], (path, sent)


def test_a_save_through_one_instance_is_seen_through_the_other_within_the_bound(
    app, other_app, client, make_entry, monkeypatch
):
    reader = other_app.test_client()
    listening(other_app, reader)
    make_entry(title="첫 글")
    for _ in range(2):
        assert "첫 글" in reader.get("/diary/").text
    with queries_sent(other_app, monkeypatch) as sent:
        assert "첫 글" in reader.get("/diary/").text
    assert not sent["raw"]  # kept and trusted
    save_entry(app, "새 글")
    saved = time.monotonic()
    wait_for(lambda: "새 글" in reader.get("/diary/").text, BOUND_SECONDS, "the new page")
    assert time.monotonic() - saved < BOUND_SECONDS


def test_this_process_sees_its_own_commit_without_waiting_for_the_notification(
    app, client, make_entry, monkeypatch
):
    listener = listening(app, client)
    make_entry(title="첫 글")
    for _ in range(2):
        assert "첫 글" in client.get("/diary/").text
    if TEST_DATABASE_URL:
        # The notification is slow to come (a loaded server, the network): this worker's
        # next read must show the change all the same, as it committed it. (On SQLite the
        # commit is through a pooled connection, which moves the watch's data version.)
        monkeypatch.setattr(listener, "_heard", lambda payload: None)
    save_entry(app, "새 글")
    assert "새 글" in client.get("/diary/").text


def test_a_like_through_one_instance_makes_only_its_page_old_on_the_other(
    app, other_app, client, make_entry
):
    entry_id = make_entry(title="글")
    reader = other_app.test_client()
    listening(other_app, reader)
    path = f"/diary/{entry_id}-글"
    for _ in range(2):
        assert "data-like-count>0<" in reader.get(path).text
    like(client, f"/diary/{entry_id}")
    wait_for(lambda: "data-like-count>1<" in reader.get(path).text, BOUND_SECONDS, "the like")


def terminate(app, pid: int) -> None:
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


@on_postgresql
def test_a_dropped_listening_connection_falls_back_then_listens_again(
    app, other_app, client, make_entry, monkeypatch
):
    make_entry(title="첫 글")
    reader = other_app.test_client()
    listener = listening(other_app, reader)
    for _ in range(2):
        reader.get("/diary/")
    pid, connections = listener.backend_pid, listener.connections
    terminate(app, pid)
    # Noticed at once (the thread's wait raises): asking per read, or listening anew.
    wait_for(
        lambda: listener.trusted_since is None or listener.backend_pid != pid,
        BOUND_SECONDS,
        "noticing the lost connection",
    )
    save_entry(app, "새 글")
    assert "새 글" in reader.get("/diary/").text  # the very next read: fresh
    # Back, with back-off: the pages are checked once more, then trusted again.
    wait_for(
        lambda: listener.trusted_since is not None and listener.connections == connections + 1,
        what="listening again",
    )
    assert listener.backend_pid != pid
    reader.get("/diary/")
    with queries_sent(other_app, monkeypatch) as sent:
        assert "새 글" in reader.get("/diary/").text
    assert not sent["raw"] and not sent["checkouts"]
    save_entry(app, "셋째 글")
    wait_for(lambda: "셋째 글" in reader.get("/diary/").text, BOUND_SECONDS, "the third post")


@on_postgresql
def test_while_not_listening_every_cached_read_asks(app, client, make_entry, monkeypatch):
    make_entry(title="글")
    listener = listening(app, client)
    client.get("/diary/")
    client.get("/diary/")
    listener.stop()
    assert listener.trusted_since is None
    with queries_sent(app, monkeypatch) as sent:
        client.get("/diary/")
    assert len(sent["raw"]) == 1


def test_the_owner_never_gets_a_cached_page(app, client, auth, make_entry, monkeypatch):
    make_entry(title="글")
    listening(app, client)
    for _ in range(2):
        client.get("/diary/")
    auth.login()
    reached_flask = count_flask_requests(app, monkeypatch)
    page = client.get("/diary/")
    assert reached_flask and "ETag" not in page.headers


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's watch: PostgreSQL's is above")
def test_a_watch_that_cannot_read_the_data_version_vouches_for_nothing(
    app, client, make_entry, monkeypatch
):
    make_entry(title="글")
    watch = listening(app, client)
    for _ in range(2):
        client.get("/diary/")
    watch.stop()  # its connection closed: every PRAGMA fails from here on
    with queries_sent(app, monkeypatch) as sent:
        assert "글" in client.get("/diary/").text
    assert len(sent["raw"]) == 1  # asked the database, as without a watch


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_NOTIFY": "False"}])
def test_without_notifications_every_cached_read_asks_once(app, client, make_entry, monkeypatch):
    make_entry(title="글")
    for _ in range(2):
        client.get("/diary/")
    assert listener_of(app) is None
    with queries_sent(app, monkeypatch) as sent:
        for _ in range(3):
            assert "글" in client.get("/diary/").text
    assert len(sent["raw"]) == 3 and not sent["sqlalchemy"]


def test_a_trusted_page_is_checked_again_when_a_scheduled_post_falls_due(
    app, client, make_entry, monkeypatch, clock
):
    make_entry(title="예약", published_at=utcnow() + timedelta(hours=1))
    listening(app, client)
    for _ in range(2):
        assert "예약" not in client.get("/diary/").text
    with queries_sent(app, monkeypatch) as sent:
        client.get("/diary/")
    assert not sent["raw"]  # trusted until the scheduled time
    clock.shift(timedelta(hours=2))  # no write, no notification
    assert "예약" in client.get("/diary/").text
