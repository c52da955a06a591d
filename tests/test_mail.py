"""The owner hears of new comments: mail through a real SMTP server (aiosmtpd) started here,
the outbox's retries and digests, the deliverer thread, and the moderation queue's feed."""

import email
import email.policy
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from lxml import etree

from blog.comments.moderation import moderate, owner_reply
from blog.extensions import db
from blog.models import Comment, CommentMail, utcnow
from blog.notify import outbox
from blog.notify.outbox import deliver_due, due_time, stop_deliverer
from blog.site_settings import save_settings

from .conftest import count_writes
from .test_comments import send, stored

SITE_URL = "https://blog.example"
NOTIFY_TO = "owner@example.com"
ATOM = "{http://www.w3.org/2005/Atom}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """aiosmtpd on a port of its own; `messages` are what it received, parsed."""

    def __init__(self, port: int):
        self.port = port
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp):
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_DEFAULT_SENDER": "blog@example.com",
        "COMMENT_NOTIFY_TO": NOTIFY_TO,
        "SITE_URL": SITE_URL,
        "MAIL_DELIVERER": False,  # the tests call the deliverer's function with their clock
    }


@pytest.fixture
def entry_id(make_entry):
    return make_entry(title="메일 받을 글")


def deliver(app, now=None) -> int:
    with app.app_context():
        return deliver_due(app, now or utcnow())


def outbox_rows(app) -> list[CommentMail]:
    with app.app_context():
        rows = db.session.scalars(db.select(CommentMail).order_by(CommentMail.id)).all()
        db.session.expunge_all()
        return rows


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_a_held_comment_is_mailed_with_a_text_and_an_html_part(app, client, smtp, entry_id):
    response = send(client, app, entry_id, name="독자<b>", body="좋은 글 <script>x</script>")
    assert response.status_code == 303
    assert smtp.messages == []  # nothing is sent while the reader waits
    assert deliver(app) == 1
    [(recipients, message)] = smtp.messages
    assert recipients == [NOTIFY_TO] and message["To"] == NOTIFY_TO
    assert message["From"] == "blog@example.com"
    assert "메일 받을 글" in message["Subject"]
    text, html = parts(message)
    assert "독자<b>" in text and "좋은 글 <script>x</script>" in text
    assert "독자&lt;b&gt;" in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html and "<b>" not in html
    with app.app_context():
        comment_id = db.session.scalar(db.select(Comment.id))
    links = {
        f"{SITE_URL}/admin/comments?status=pending",
        f"{SITE_URL}/admin/comments/{comment_id}/reply",
    }
    for link in links:
        assert link in text and link in html
    # The text has the post's short address (it leads to the full one), the HTML the full one.
    assert f"{SITE_URL}/diary/{entry_id}#comments" in text
    assert f"{SITE_URL}/diary/{entry_id}-" in html
    hrefs = etree.HTML(html).xpath("//a/@href")
    assert {href.split("#")[0].split("%")[0] for href in hrefs} >= {
        f"{SITE_URL}/admin/comments?status=pending",
        f"{SITE_URL}/admin/comments/{comment_id}/reply",
    }
    # Every link needs the owner's login, and none approves anything by being opened.
    assert not any("approve" in href for href in hrefs)
    for href in hrefs:
        if "/admin/" in href:
            path = href.removeprefix(SITE_URL)
            assert client.get(path).status_code == 302  # to the login page
    [row] = outbox_rows(app)
    assert row.sent_at is not None and row.due_at is None and row.tries == 1


def test_the_mail_is_in_the_sites_language_with_the_html_lang(app, client, smtp, entry_id):
    client.set_cookie("lang", "en")  # the reader's language is not the owner's
    send(client, app, entry_id)
    deliver(app)
    [(_, message)] = smtp.messages
    assert 'lang="ko"' in parts(message)[1]


def test_without_site_url_the_mail_has_no_links(app, client, smtp, entry_id):
    app.config["SITE_URL"] = None
    send(client, app, entry_id)
    deliver(app)
    [(_, message)] = smtp.messages
    text, html = parts(message)
    assert "http" not in text and "<a " not in html
    assert "좋은 글 고맙습니다." in text


def test_spam_is_not_mailed(app, client, smtp, entry_id):
    send(client, app, entry_id, seconds_ago=1)  # sooner than a person: stored as spam
    assert stored(app)[0][2] == "spam"
    assert outbox_rows(app) == [] and deliver(app) == 0 and smtp.messages == []


def test_the_owners_reply_is_not_mailed(app, client, smtp, entry_id):
    send(client, app, entry_id)
    deliver(app)
    with app.app_context():
        owner_reply(db.session.scalar(db.select(Comment)), "주인", "고마워요")
        db.session.commit()
    assert len(outbox_rows(app)) == 1 and deliver(app) == 0 and len(smtp.messages) == 1


def test_a_comment_moderated_before_its_mail_goes_needs_none(app, client, smtp, entry_id):
    send(client, app, entry_id)
    with app.app_context():
        moderate(db.session.scalars(db.select(Comment.id)).all(), "approve")
        db.session.commit()
    assert deliver(app) == 1 and smtp.messages == []
    [row] = outbox_rows(app)
    assert row.due_at is None and row.sent_at is None


def test_each_comment_has_its_own_mail(app, client, smtp, entry_id):
    send(client, app, entry_id, name="하나")
    send(client, app, entry_id, name="둘")
    assert deliver(app) == 2
    assert [parts(message)[0].count("----\n") for _, message in smtp.messages] == [2, 2]
    assert ["하나" in parts(m)[0] for _, m in smtp.messages] == [True, False]


def test_server_down_the_comment_is_stored_and_the_mail_retried(app, client, smtp, entry_id):
    smtp.stop()
    response = send(client, app, entry_id)
    assert response.status_code == 303 and len(stored(app)) == 1
    now = utcnow()
    assert deliver(app, now) == 1
    [row] = outbox_rows(app)
    assert row.tries == 1 and row.sent_at is None and row.last_error
    assert row.due_at == now + app.config["MAIL_RETRY_DELAYS"][0]
    smtp.start()
    assert deliver(app, now + timedelta(seconds=29)) == 0  # not yet due
    assert deliver(app, now + timedelta(seconds=30)) == 1
    assert len(smtp.messages) == 1
    [row] = outbox_rows(app)
    assert row.tries == 2 and row.sent_at == now + timedelta(seconds=30)
    assert deliver(app, now + timedelta(days=1)) == 0 and len(smtp.messages) == 1


def test_the_mail_is_given_up_after_its_last_try_and_logged(app, client, smtp, entry_id, caplog):
    smtp.stop()
    send(client, app, entry_id)
    now = utcnow()
    delays = app.config["MAIL_RETRY_DELAYS"]
    deliver(app, now)
    for delay in delays:
        now += delay
        assert deliver(app, now) == 1
    [row] = outbox_rows(app)
    assert row.tries == len(delays) + 1 and row.gave_up_at == now and row.due_at is None
    assert any(record.levelname == "ERROR" for record in caplog.records)
    assert deliver(app, now + timedelta(days=30)) == 0


def test_a_digest_gathers_the_comments_of_its_period(app, client, smtp, entry_id):
    with app.app_context():
        save_settings({"comment_mail_every": "60"})
        db.session.commit()
    for name in ("하나", "둘", "셋"):
        send(client, app, entry_id, name=name)
    due = due_time(utcnow(), 60)
    assert {row.due_at for row in outbox_rows(app)} == {due}
    assert due.minute == due.second == 0
    assert deliver(app, due - timedelta(seconds=1)) == 0 and smtp.messages == []
    assert deliver(app, due) == 3
    [(_, message)] = smtp.messages
    text, html = parts(message)
    assert all(name in text and name in html for name in ("하나", "둘", "셋"))
    assert "3" in message["Subject"]


def test_the_owner_chooses_the_digest_in_settings(app, client, auth, smtp):
    auth.login()
    assert "comment_mail_every" in client.get("/admin/settings").text
    data = {"comment_max_links": "2", "comments_close_after_days": "0"}
    response = client.post("/admin/settings", data={**data, "comment_mail_every": "360"})
    assert response.status_code == 303
    with app.app_context():
        assert outbox.get_settings()["comment_mail_every"] == "360"
    bad = client.post("/admin/settings", data={**data, "comment_mail_every": "7"})
    assert bad.status_code == 400


def test_a_claimed_mail_is_not_sent_twice_and_a_lapsed_claim_is_taken(app, client, smtp, entry_id):
    send(client, app, entry_id)
    now = utcnow()
    with app.app_context():
        row = db.session.scalar(db.select(CommentMail))
        row.claimed_by, row.claimed_until = "another process", now + outbox.CLAIM_LEASE
        db.session.commit()
    assert deliver(app, now) == 0 and smtp.messages == []
    assert deliver(app, now + outbox.CLAIM_LEASE + timedelta(seconds=1)) == 1
    assert len(smtp.messages) == 1


def test_deliverers_running_at_once_send_each_mail_once(app, client, smtp, entry_id):
    for number in range(5):
        send(client, app, entry_id, name=f"독자{number}")
    start = threading.Barrier(4)
    handled = []

    def deliverer():
        start.wait()
        handled.append(deliver(app))

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(handled) == 5 and len(smtp.messages) == 5
    names = sorted(
        next(n for n in (f"독자{i}" for i in range(5)) if n in parts(m)[0])
        for _, m in smtp.messages
    )
    assert names == [f"독자{number}" for number in range(5)]


def test_nothing_due_writes_nothing(app, client, smtp, entry_id):
    send(client, app, entry_id)
    deliver(app)
    writes = count_writes(app)
    assert deliver(app) == 0 and writes == []


@pytest.mark.parametrize("unset", ["MAIL_SERVER", "COMMENT_NOTIFY_TO"])
def test_mail_is_off_while_unset(tmp_path, smtp, make_app_with, unset):
    app, client, entry_id = make_app_with({unset: None, "MAIL_DELIVERER": True})
    assert send(client, app, entry_id).status_code == 303
    assert outbox_rows(app) == [] and deliver(app) == 0 and smtp.messages == []
    assert "blog.mail_deliverer" not in app.extensions  # no thread either


@pytest.fixture
def make_app_with(tmp_path, app_config):
    """An app of this module's settings with some changed, and a public post on it."""
    from .conftest import empty_database, make_app

    made = []

    def make(changes):
        from blog.models import DiaryEntry, Visibility
        from blog.posts import saving

        app = make_app(tmp_path, **{**app_config, **changes})
        made.append(app)
        with app.app_context():
            empty_database()
            db.create_all()
            entry = DiaryEntry(body="본문")
            entry.title = "글"
            entry.set_publication(Visibility.PUBLIC, utcnow() - timedelta(minutes=1))
            saving.save(entry)
            db.session.commit()
            return app, app.test_client(), entry.id

    yield make
    for app in made:
        stop_deliverer(app)
        with app.app_context():
            empty_database()
            db.engine.dispose()


def test_the_sites_own_thread_sends_within_seconds(smtp, make_app_with):
    app, client, entry_id = make_app_with({"MAIL_DELIVERER": True, "MAIL_POLL_SECONDS": 0.05})
    sent = time.monotonic()
    assert send(client, app, entry_id).status_code == 303
    while not smtp.messages and time.monotonic() - sent < 10:
        time.sleep(0.02)
    assert len(smtp.messages) == 1 and time.monotonic() - sent < 5
    assert app.extensions["blog.mail_deliverer"]["thread"].daemon


def test_the_thread_outlives_a_failure_and_logs_it(smtp, make_app_with, monkeypatch, caplog):
    app, client, entry_id = make_app_with({"MAIL_DELIVERER": True, "MAIL_POLL_SECONDS": 0.05})
    calls = []

    def failing_once(app, now=None):
        calls.append(now)
        if len(calls) == 1:
            raise OSError("the database is away")
        return deliver_due(app, now)

    monkeypatch.setattr(outbox, "deliver_due", failing_once)
    send(client, app, entry_id)
    deadline = time.monotonic() + 10
    while not smtp.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(smtp.messages) == 1 and len(calls) >= 2
    assert any(
        "the database is away" in record.exc_text for record in caplog.records if record.exc_text
    )


# The moderation queue's feed.


def feed_address(client) -> str:
    page = client.get("/admin/settings").text
    found = etree.HTML(page).xpath('//*[@id="moderation-feed"]//code/text()')
    return found[0].removeprefix("http://localhost") if found else None


def test_the_feed_has_no_address_until_the_owner_makes_one(app, client, auth):
    auth.login()
    assert feed_address(client) is None
    response = client.post("/admin/settings/moderation-feed")
    assert response.status_code == 303
    address = feed_address(client)
    assert address.startswith("/moderation/") and len(address) > len("/moderation/.xml") + 40


def test_the_feed_lists_comments_waiting_and_only_them(app, client, auth, smtp, entry_id):
    send(client, app, entry_id, name="기다림", body="승인해 주세요")
    send(client, app, entry_id, name="스팸", seconds_ago=1)
    auth.login()
    client.post("/admin/settings/moderation-feed")
    address = feed_address(client)
    auth.logout()
    writes = count_writes(app)
    response = client.get(address)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "ETag" not in response.headers and writes == []
    feed = etree.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}author/{ATOM}name").text for e in entries] == ["기다림"]
    assert entries[0].find(f"{ATOM}content").text == "승인해 주세요"
    assert (
        entries[0]
        .find(f"{ATOM}link")
        .get("href")
        .startswith("http://localhost/admin/comments?status=pending")
    )
    approve_all = [c for c in stored(app)]
    assert len(approve_all) == 2
    with app.app_context():
        moderate(db.session.scalars(db.select(Comment.id)).all(), "approve")
        db.session.commit()
    assert etree.fromstring(client.get(address).data).findall(f"{ATOM}entry") == []


def test_a_wrong_or_changed_feed_address_is_not_found(app, client, auth):
    assert client.get("/moderation/anything.xml").status_code == 404  # no feed made yet
    auth.login()
    client.post("/admin/settings/moderation-feed")
    old = feed_address(client)
    assert client.get(old).status_code == 200
    wrong = client.get(old[:-5] + ("A" if old[-5] != "A" else "B") + ".xml")
    assert wrong.status_code == 404
    assert wrong.headers["Cache-Control"] == "private, no-store"
    client.post("/admin/settings/moderation-feed")
    new = feed_address(client)
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_changing_the_feed_address_is_a_post_for_the_owner(app, client):
    assert client.get("/admin/settings/moderation-feed").status_code in (302, 405)
    assert client.post("/admin/settings/moderation-feed").status_code == 302  # to the login
