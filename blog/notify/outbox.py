"""The outbox: a comment held for approval is queued with the comment, in its transaction, and
sent by the site's own processes, off the request.

Each process runs one daemon thread (started by its first request, so after gunicorn's fork,
never at import or in a command). Every MAIL_POLL_SECONDS it asks whether anything is due (one
indexed read, no write when nothing is); due rows are claimed by one UPDATE that writes the
claim and its lease (PostgreSQL picks the rows with FOR UPDATE SKIP LOCKED, so processes never
wait on each other; SQLite has one writer, and the UPDATE's own condition decides). A failed
send is tried again after each of MAIL_RETRY_DELAYS, then given up and logged. A reader's
comment never waits for mail: sending happens only here.

With a digest (관리 → 설정: every 15, 60 or 360 minutes) a comment is due at the next
boundary of that period (counted from midnight UTC), so the comments of one period come due
together and go in one mail.
"""

import math
import os
import secrets
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Comment, CommentMail, CommentStatus, utcnow
from ..site_settings import get_settings
from . import mail

# The owner's choices in 설정: 0 is a mail for each comment.
DIGEST_MINUTES = (0, 15, 60, 360)
# How long a claim holds rows: longer than any send can take (MAIL_TIMEOUT for each step).
CLAIM_LEASE = timedelta(minutes=5)
# Rows one claim takes at most; the rest wait for the next round.
BATCH = 200
ERROR_LENGTH = 500


def queue(comment: Comment, now: datetime) -> None:
    """Queue mail about a comment just received, in the caller's transaction, if it waits for
    the owner (a spam-classified comment does not; the owner's replies never come here) and
    mail is on."""
    if comment.status != CommentStatus.PENDING or comment.by_owner:
        return
    if not mail.mail_enabled(current_app):
        return
    every = int(get_settings()["comment_mail_every"] or 0)
    db.session.add(CommentMail(comment=comment, created_at=now, due_at=due_time(now, every)))


def due_time(now: datetime, every_minutes: int) -> datetime:
    """Now for a mail per comment; else the end of the digest period `now` falls in."""
    if not every_minutes:
        return now
    period = every_minutes * 60
    return datetime.fromtimestamp(math.ceil(now.timestamp() / period) * period, UTC)


def _due(now: datetime):
    return (CommentMail.due_at <= now) & or_(
        CommentMail.claimed_until.is_(None), CommentMail.claimed_until < now
    )


def deliver_due(app: Flask, now: datetime | None = None) -> int:
    """Claim the mail that is due and send it; returns how many rows were handled. The
    deliverer thread calls it; tests call it with their clock. Needs an app context."""
    now = now or utcnow()
    anything = db.session.scalar(db.select(CommentMail.id).where(_due(now)).limit(1))
    db.session.rollback()  # end the read: the claim starts a transaction of its own
    if anything is None:
        return 0
    claim = secrets.token_hex(16)
    chosen = (
        db.select(CommentMail.id)
        .where(_due(now))
        .order_by(CommentMail.due_at, CommentMail.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        db.update(CommentMail)
        .where(CommentMail.id.in_(chosen.scalar_subquery()), _due(now))
        .values(claimed_by=claim, claimed_until=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        db.select(CommentMail)
        .where(CommentMail.claimed_by == claim)
        .options(selectinload(CommentMail.comment).selectinload(Comment.post))
        .order_by(CommentMail.id)
    ).all()
    digest = int(get_settings()["comment_mail_every"] or 0)
    for group in [rows] if digest else [[row] for row in rows]:
        _send_group(app, group, now)
        db.session.commit()
    return len(rows)


def _send_group(app: Flask, rows: list[CommentMail], now: datetime) -> None:
    """One mail for these rows' comments (those still waiting: a comment the owner has
    moderated meanwhile needs no mail)."""
    comments = [row.comment for row in rows if row.comment.status == CommentStatus.PENDING]
    for row in rows:
        row.claimed_by = row.claimed_until = None
    if not comments:
        for row in rows:
            row.due_at = None
        return
    try:
        subject, text, html = compose(app, comments)
        mail.send(app, app.config["COMMENT_NOTIFY_TO"], subject, text, html)
    except Exception as error:  # any failure is a failed try: the row must not stay stuck
        _failed(app, rows, now, error)
        return
    for row in rows:
        row.due_at, row.sent_at, row.tries = None, now, row.tries + 1


def _failed(app: Flask, rows: list[CommentMail], now: datetime, error: Exception) -> None:
    delays = app.config["MAIL_RETRY_DELAYS"]
    message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    for row in rows:
        row.tries += 1
        row.last_error = message
        if row.tries > len(delays):
            row.due_at, row.gave_up_at = None, now
        else:
            row.due_at = now + delays[row.tries - 1]
    given_up = [row.comment_id for row in rows if row.gave_up_at]
    if given_up:
        app.logger.error("Comment mail given up for comments %s: %s", given_up, message)
    else:
        app.logger.warning("Comment mail not sent (will try again): %s", message)


def compose(app: Flask, comments: list[Comment]) -> tuple[str, str, str]:
    """The subject, plain text and HTML of the mail about these comments, in the site's own
    language, with links from SITE_URL (none without it)."""
    site_url = app.config["SITE_URL"]
    with (
        app.test_request_context(base_url=site_url or "http://localhost/"),
        force_locale(app.config["BABEL_DEFAULT_LOCALE"]),
    ):
        if len(comments) == 1:
            subject = _("New comment waiting: %(title)s", title=_title(comments[0]))
        else:
            subject = _("%(count)d new comments waiting", count=len(comments))
        values = {"comments": comments, "links": bool(site_url), "subject": subject}
        text = render_template("mail/comments.txt", **values)
        html = render_template("mail/comments.html", **values)
    return f"[{app.config['SITE_NAME']}] {subject}", text, html


def _title(comment: Comment) -> str:
    post = comment.post
    return post.heading or format_date(post.shown_date, "full")


# The deliverer thread, one per process: started by the process's first request.
_lock = threading.Lock()
os.register_at_fork(after_in_child=lambda: globals().update(_lock=threading.Lock()))


def register(app: Flask) -> None:
    """Start this process's deliverer with its first request, when mail is on."""
    if not (app.config["MAIL_DELIVERER"] and mail.mail_enabled(app)):
        return

    @app.before_request
    def start_mail_deliverer():
        start_deliverer(app)


def start_deliverer(app: Flask) -> None:
    """Start the deliverer thread unless this process has one (a forked worker has not: the
    parent's thread stays behind in the parent)."""
    state = app.extensions.setdefault("blog.mail_deliverer", {})
    if state.get("pid") == os.getpid():
        return
    with _lock:
        if state.get("pid") == os.getpid():
            return
        stop = threading.Event()
        thread = threading.Thread(target=_run, args=(app, stop), name="comment-mail", daemon=True)
        state.update(pid=os.getpid(), stop=stop, thread=thread)
        thread.start()


def stop_deliverer(app: Flask, timeout: float = 10) -> None:
    """Stop this process's deliverer (tests and benchmarks; a server's exit just ends it)."""
    state = app.extensions.get("blog.mail_deliverer", {})
    if state.get("pid") != os.getpid():
        return
    state["stop"].set()
    state["thread"].join(timeout)
    state.clear()


def _run(app: Flask, stop: threading.Event) -> None:
    """Look for due mail every MAIL_POLL_SECONDS; after a failure (the database away, say),
    wait twice as long each time, up to a minute, so the log does not fill."""
    wait = app.config["MAIL_POLL_SECONDS"]
    while not stop.wait(wait):
        try:
            with app.app_context():
                deliver_due(app)
        except Exception:
            wait = min(max(wait * 2, 1), 60)
            app.logger.exception("Comment mail: the deliverer failed; it looks again in %s s", wait)
        else:
            wait = app.config["MAIL_POLL_SECONDS"]
