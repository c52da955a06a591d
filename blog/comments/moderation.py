"""Receiving readers' comments and moderating them.

A comment passes, in order: the honeypot field (bots fill it; dropped), the form timer
(sent sooner than COMMENT_MIN_SECONDS after the form was loaded, or with no genuine timer;
stored as spam; a timer older than COMMENT_FORM_LIFETIME shows the form again), the rate
limit per address (a clear message to a human), then the owner's block lists and the link
count (stored as spam). Everything else waits for the owner's approval. Bots get the same
"waiting for approval" answer as people, so they learn nothing.
"""

import enum
from datetime import datetime, timedelta

from flask import current_app

from .. import pagecache
from ..extensions import db
from ..models import Comment, CommentStatus, Post, utcnow
from ..notify import outbox
from ..site_settings import get_settings, save_settings, setting_lines
from .spam import (
    address_hash,
    forget_old_addresses,
    looks_like_spam,
    recent_from,
)
from .timer import read_form_timer
from .tokens import token_hash


class Outcome(enum.Enum):
    HELD = "held"  # stored (pending or spam) or dropped: the sender is told it awaits approval
    RATE_LIMITED = "rate_limited"


def comments_open(post: Post, now: datetime | None = None) -> bool:
    """Readers may comment on a published post unless the owner closed it, by hand or by age."""
    now = now or utcnow()
    if not post.comments_enabled or not post.is_published:
        return False
    days = int(get_settings()["comments_close_after_days"] or 0)
    return not days or post.published_at + timedelta(days=days) > now


def receive(
    post: Post, form, address: str, now: datetime | None = None, token: str | None = None
) -> Outcome:
    """Judge and store a reader's comment. The caller commits. `token`, the private address
    its writer follows it at (follow.py), is kept as its hash."""
    now = now or utcnow()
    if form.website.data:
        return Outcome.HELD  # the honeypot: dropped
    hashed = address_hash(address or "", now.date())
    if recent_from(hashed, now) >= current_app.config["COMMENT_RATE_LIMIT"]:
        return Outcome.RATE_LIMITED
    forget_old_addresses(now)
    timer = read_form_timer(form.started.data, post.id, now)
    # The form shows an expired timer again; should one come this far, it counts as none.
    lifetime = current_app.config["COMMENT_FORM_LIFETIME"].total_seconds()
    timely = (
        timer is not None and current_app.config["COMMENT_MIN_SECONDS"] <= timer.seconds <= lifetime
    )
    spam = not timely or looks_like_spam(form.body.data, form.name.data, address or "", now)
    comment = Comment(
        post=post,
        block=form.chosen_block(post),
        name=form.name.data,
        secret=form.secret.data,
        status=CommentStatus.SPAM if spam else CommentStatus.PENDING,
        address_hash=hashed,
        created_at=now,
        token_hash=token_hash(token) if token else None,
    )
    comment.set_body(form.body.data)
    db.session.add(comment)
    outbox.queue(comment, now)  # the owner's mail, in this transaction; sent off the request
    return Outcome.HELD


def owner_reply(parent: Comment, owner_name: str, body: str) -> Comment:
    """The owner's answer to a comment. Answering shows the comment too; a secret comment's
    answer is secret as well."""
    parent.status = CommentStatus.APPROVED
    reply = Comment(
        post_id=parent.post_id,
        name=owner_name,
        secret=parent.secret,
        by_owner=True,
        status=CommentStatus.APPROVED,
    )
    reply.set_body(body)
    parent.replies.append(reply)
    if not reply.secret:
        pagecache.content_changed()
    return reply


MODERATION_ACTIONS = ("approve", "spam", "delete", "block")


def moderate(comment_ids: list[int], action: str) -> int:
    """Approve, mark as spam, delete, or block the senders' addresses (and mark as spam).

    Returns how many comments were changed. The caller commits.
    """
    comments = db.session.scalars(db.select(Comment).where(Comment.id.in_(comment_ids))).all()
    if action == "delete":
        if any(_readers_see(comment) for comment in comments):
            pagecache.content_changed()
        for comment in comments:
            db.session.delete(comment)
        return len(comments)
    if action == "block":
        settings = get_settings()
        blocked = setting_lines(settings["blocked_addresses"])
        blocked += [
            c.address_hash for c in comments if c.address_hash and c.address_hash not in blocked
        ]
        save_settings({"blocked_addresses": "\n".join(blocked)})
    status = CommentStatus.APPROVED if action == "approve" else CommentStatus.SPAM
    if any(_readers_see(comment) != _readers_see(comment, status) for comment in comments):
        pagecache.content_changed()
    for comment in comments:
        comment.status = status
    return len(comments)


def _readers_see(comment: Comment, status: CommentStatus | None = None) -> bool:
    """Readers see a comment (with `status`, if given) once it is approved, unless it is secret."""
    return (status or comment.status) == CommentStatus.APPROVED and not comment.secret


def pending_count() -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Comment)
        .where(Comment.status == CommentStatus.PENDING)
    )
