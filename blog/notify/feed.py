"""The private Atom feed of the moderation queue, for the owner's feed reader.

Its address holds a random key stored in the settings table (not among the owner's editable
settings: it is made and changed only by a POST from 설정, so reading never writes). There is no
feed until the owner makes one; a new key ends the old address. Keys are compared in constant
time, and a wrong one is a plain 404.
"""

import hmac
import secrets

from feedgen.feed import FeedGenerator
from flask import Response, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..feeds import EMPTY_FEED_UPDATED, xml_text
from ..models import Comment, CommentStatus, Setting
from ..posts.urls import post_url

KEY_SETTING = "moderation_feed_key"
FEED_LENGTH = 50


def feed_key() -> str | None:
    row = db.session.get(Setting, KEY_SETTING)
    return row.value if row and row.value else None


def new_feed_key() -> str:
    """Make (or change) the feed's key; the caller commits. The old address then answers 404."""
    row = db.session.get(Setting, KEY_SETTING) or Setting(key=KEY_SETTING)
    row.value = secrets.token_urlsafe(32)
    db.session.add(row)
    return row.value


def key_matches(given: str) -> bool:
    key = feed_key()
    return key is not None and hmac.compare_digest(given.encode(), key.encode())


def moderation_feed(key: str) -> Response:
    """The comments waiting for approval, newest first; links lead to the queue (login)."""
    comments = db.session.scalars(
        db.select(Comment)
        .where(Comment.status == CommentStatus.PENDING, Comment.by_owner.is_(False))
        .options(selectinload(Comment.post))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    feed = FeedGenerator()
    self_url = url_for("notify.moderation_feed", key=key, _external=True)
    queue_url = url_for("admin.comments", status="pending", _external=True)
    feed.id(self_url)
    feed.title(xml_text(f"{_('Comments waiting')} · {current_app.config['SITE_NAME']}"))
    feed.link(href=queue_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(current_app.config["BABEL_DEFAULT_LOCALE"])
    feed.updated(max((c.created_at for c in comments), default=EMPTY_FEED_UPDATED))
    for comment in reversed(comments):  # feedgen prepends: oldest first, newest on top
        entry = feed.add_entry()
        entry.id(f"{queue_url}#pick-{comment.id}")
        heading = comment.post.heading or comment.post.shown_date.date().isoformat()
        entry.title(xml_text(_("%(name)s on %(title)s", name=comment.name, title=heading)))
        entry.link(href=f"{queue_url}#pick-{comment.id}", rel="alternate")
        entry.link(href=post_url(comment.post, _external=True), rel="related")
        entry.author({"name": xml_text(comment.name)})
        entry.published(comment.created_at)
        entry.updated(comment.created_at)
        entry.content(xml_text(comment.body), type="text")  # plain text: feedgen escapes it
    return Response(feed.atom_str(pretty=False), mimetype="application/atom+xml")


def private(response: Response) -> Response:
    """Never stored by a browser or a proxy, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
