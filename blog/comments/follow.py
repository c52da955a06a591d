"""A reader following their own comment at a private address, `/comments/<token>`.

Each reader's comment is sent with a long random token (tokens.py); the comment keeps only its
sha256 (Comment.token_hash, a unique index), so the database, a backup or an export never
holds an address that works.

Whoever holds the address may read the comment in any state, with the owner's reply (a secret
comment's writer sees it nowhere else), and change or delete it while it waits. A comment
stored as spam reads as waiting (a spammer is never told), and an edit can make a comment
spam but never take it out of spam: a bot must not edit its way past the form's timer.
Edits and deletions count with the comments sent against the rate limit
(spam.recent_from); each is a CommentChange row, dropped after the rate limit's window.
"""

import enum
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import selectinload

from .. import pagecache
from ..extensions import db
from ..models import Comment, CommentChange, CommentStatus, utcnow
from .moderation import _readers_see
from .spam import address_hash, looks_like_spam, recent_from
from .tokens import token_hash


def own_comment(token: str) -> Comment | None:
    """The comment sent with `token`, looked up by the token's hash (never by a part of it),
    or None: for a wrong token, and for a comment whose post readers can no longer see (the
    public gets 404 for whatever is on a post it cannot see, its comments included)."""
    comment = db.session.scalar(
        db.select(Comment)
        .where(Comment.token_hash == token_hash(token))
        .options(selectinload(Comment.replies), selectinload(Comment.post))
    )
    if comment is None or not comment.post.is_published:
        return None
    return comment


def waiting(comment: Comment) -> bool:
    """What its writer is told: waiting for approval (spam included), or approved."""
    return comment.status != CommentStatus.APPROVED


class Change(enum.Enum):
    DONE = "done"
    RATE_LIMITED = "rate_limited"


def _counted(address: str, now: datetime) -> bool:
    """Count a change by `address` against the rate limit; False if it is over the limit."""
    hashed = address_hash(address or "", now.date())
    if recent_from(hashed, now) >= current_app.config["COMMENT_RATE_LIMIT"]:
        return False
    _forget_old_changes(now)
    db.session.add(CommentChange(address_hash=hashed, changed_at=now))
    return True


def _forget_old_changes(now: datetime) -> None:
    """Changes older than the rate limit's window count for nothing: dropped (a read first,
    as spam.forget_old_addresses does, so most changes write nothing but themselves)."""
    window = timedelta(seconds=current_app.config["COMMENT_RATE_WINDOW_SECONDS"])
    due = CommentChange.changed_at < now - window
    if db.session.scalar(db.select(CommentChange.id).where(due).limit(1)) is not None:
        db.session.execute(db.delete(CommentChange).where(due))


def edit_own(comment: Comment, name: str, body: str, address: str, now=None) -> Change:
    """The writer's new name and text for a waiting comment (checked by the caller: an
    approved comment is not edited), judged for spam again. The caller commits."""
    now = now or utcnow()
    if not _counted(address, now):
        return Change.RATE_LIMITED
    comment.name = name
    comment.set_body(body)
    if looks_like_spam(body, name, address or "", now):
        comment.status = CommentStatus.SPAM
    return Change.DONE


def delete_own(comment: Comment, address: str, now=None) -> Change:
    """The writer takes their comment back, in any state, with the owner's reply to it (a
    reply to nothing would make no sense). A comment readers could see makes the stored
    pages old. The caller commits."""
    now = now or utcnow()
    if not _counted(address, now):
        return Change.RATE_LIMITED
    if _readers_see(comment):
        pagecache.content_changed()
    db.session.delete(comment)
    return Change.DONE
