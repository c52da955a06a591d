"""Receiving readers' comments: spam defences with no third-party service.

A comment passes, in order: the honeypot field (bots fill it; dropped), the form timer
(sent sooner than COMMENT_MIN_SECONDS after the form was loaded, or with no genuine timer;
stored as spam; a timer older than COMMENT_FORM_LIFETIME shows the form again), the rate
limit per address (a clear message to a human), then the owner's block lists and the link
count (stored as spam). Everything else waits for the owner's approval. Bots get the same
"waiting for approval" answer as people, so they learn nothing.
"""

import enum
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, Signer

from . import pagecache
from .extensions import db
from .models import Comment, CommentStatus, Post, utcnow
from .rendering import find_links
from .site_settings import get_settings, save_settings, setting_lines

ADDRESS_RETENTION = timedelta(days=30)

# Characters that reorder the text around them: bidi embeddings, overrides, isolates, marks.
REORDERING = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
# In a name, also those that hide: zero-width marks, Hangul fillers.
INVISIBLE = REORDERING | dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164\u115f\u1160\uffa0\u034f")
)
RESERVED_NAMES = {"owner", "admin", "administrator", "주인", "관리자", "운영자", "블로그주인"}


class Outcome(enum.Enum):
    HELD = "held"  # stored (pending or spam) or dropped: the sender is told it awaits approval
    RATE_LIMITED = "rate_limited"


def clean_display_name(name: str) -> str:
    """Without invisible and reordering characters, spaces folded."""
    return " ".join(name.translate(INVISIBLE).split())


def clean_comment_body(body: str) -> str:
    """Without the characters that reorder text, so a comment reads as it was written (an
    override makes `exe.txt` show as `txt.exe`); line breaks, zero-width joiners of emoji
    and every Hangul character are kept."""
    return body.translate(REORDERING)


def _skeleton(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(character for character in folded if character.isalnum())


def imitates_owner(name: str) -> bool:
    """The name the owner's replies are signed with, the site's name or a reserved word, in
    any width, case, spacing or punctuation. Never the login name: refusing it would tell
    anyone which guess is half of the owner's login."""
    config = current_app.config
    protected = RESERVED_NAMES | {
        _skeleton(config["OWNER_DISPLAY_NAME"]),
        _skeleton(config["SITE_NAME"]),
    }
    return _skeleton(name) in protected


# --- the form timer ---------------------------------------------------------------------


def _signer(secret_key: str | None = None) -> Signer:
    return Signer(secret_key or current_app.config["SECRET_KEY"], salt="comment-form")


def form_token(
    post_id: int,
    issued: datetime | None = None,
    secret_key: str | None = None,
    renewed: bool = False,
) -> str:
    """A signed note of when the comment form for this post was shown, and whether it was
    shown again because the first note had expired. The page cache passes the secret key:
    it fills in timers outside any Flask request."""
    moment = int((issued or utcnow()).timestamp())
    return _signer(secret_key).sign(f"{post_id}:{moment}{':renewed' if renewed else ''}").decode()


@dataclass(frozen=True)
class FormTimer:
    seconds: float  # since the form was shown
    renewed: bool


def read_form_timer(token: str, post_id: int, now: datetime) -> FormTimer | None:
    """None when the token is missing, forged or for another post."""
    try:
        token_post, moment, *flags = _signer().unsign(token or "").decode().split(":")
        seconds = now.timestamp() - int(moment)
    except (BadSignature, ValueError):
        return None
    if token_post != str(post_id) or flags not in ([], ["renewed"]):
        return None
    return FormTimer(seconds, renewed=bool(flags))


def timer_needs_renewal(token: str, post_id: int) -> bool:
    """The form must be shown again, with the text and a renewed timer, rather than judged:
    its genuine timer is older than COMMENT_FORM_LIFETIME (a bot cannot replay one timer
    forever; a person who left the tab open overnight is still a person), or it was renewed
    less than COMMENT_MIN_SECONDS ago (a person sending again at once is not taken for a bot).
    A missing or forged timer is not renewed: that comment is stored as spam."""
    timer = read_form_timer(token, post_id, utcnow())
    if timer is None:
        return False
    config = current_app.config
    if timer.renewed and timer.seconds < config["COMMENT_MIN_SECONDS"]:
        return True
    return timer.seconds > config["COMMENT_FORM_LIFETIME"].total_seconds()


# --- addresses, hashed with a daily salt ----------------------------------------------------


def _daily_salt(day: date) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"comment-address:{day.isoformat()}".encode(), hashlib.sha256).digest()


def address_hash(address: str, day: date) -> str:
    """`YYYYMMDD:hash`: the day is kept so a blocked entry can be checked against its salt."""
    digest = hmac.new(_daily_salt(day), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{day:%Y%m%d}:{digest}"


def _address_is_blocked(address: str, blocked: list[str], now: datetime) -> bool:
    for entry in blocked:
        day_text, _, _ = entry.partition(":")
        try:
            day = datetime.strptime(day_text, "%Y%m%d").date()
        except ValueError:
            continue
        if now.date() - day <= ADDRESS_RETENTION and address_hash(address, day) == entry:
            return True
    return False


def forget_old_addresses(now: datetime) -> None:
    """Drop the addresses kept longer than ADDRESS_RETENTION (there is no job runner: this
    runs with each comment stored). A read first: most days there is nothing to forget, and
    a reader's comment then writes nothing but itself."""
    due = (Comment.created_at < now - ADDRESS_RETENTION) & Comment.address_hash.is_not(None)
    if db.session.scalar(db.select(Comment.id).where(due).limit(1)) is not None:
        db.session.execute(db.update(Comment).where(due).values(address_hash=None))


# --- rules --------------------------------------------------------------------------------


def comments_open(post: Post, now: datetime | None = None) -> bool:
    """Readers may comment on a published post unless the owner closed it, by hand or by age."""
    now = now or utcnow()
    if not post.comments_enabled or not post.is_published:
        return False
    days = int(get_settings()["comments_close_after_days"] or 0)
    return not days or post.published_at + timedelta(days=days) > now


def _looks_like_spam(body: str, name: str, address: str, now: datetime) -> bool:
    settings = get_settings()
    text = unicodedata.normalize("NFKC", f"{name}\n{body}").casefold()
    # Substring matching: Korean words carry particles (`광고를`), so word boundaries fail.
    if any(word.casefold() in text for word in setting_lines(settings["blocked_words"])):
        return True
    links = find_links(body)
    if len(links) > int(settings["comment_max_links"] or 0):
        return True
    blocked_hosts = [
        host.casefold().lstrip(".") for host in setting_lines(settings["blocked_hosts"])
    ]
    for link in links:
        host = (urlsplit(link if "://" in link else "http://" + link).hostname or "").casefold()
        if any(host == blocked or host.endswith("." + blocked) for blocked in blocked_hosts):
            return True
    return _address_is_blocked(address, setting_lines(settings["blocked_addresses"]), now)


def _recent_from(hashed: str, now: datetime) -> int:
    window = timedelta(seconds=current_app.config["COMMENT_RATE_WINDOW_SECONDS"])
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Comment)
        .where(Comment.address_hash == hashed, Comment.created_at > now - window)
    )


def receive(post: Post, form, address: str, now: datetime | None = None) -> Outcome:
    """Judge and store a reader's comment. The caller commits."""
    now = now or utcnow()
    if form.website.data:
        return Outcome.HELD  # the honeypot: dropped
    hashed = address_hash(address or "", now.date())
    if _recent_from(hashed, now) >= current_app.config["COMMENT_RATE_LIMIT"]:
        return Outcome.RATE_LIMITED
    forget_old_addresses(now)
    timer = read_form_timer(form.started.data, post.id, now)
    # The form shows an expired timer again; should one come this far, it counts as none.
    lifetime = current_app.config["COMMENT_FORM_LIFETIME"].total_seconds()
    timely = (
        timer is not None and current_app.config["COMMENT_MIN_SECONDS"] <= timer.seconds <= lifetime
    )
    spam = not timely or _looks_like_spam(form.body.data, form.name.data, address or "", now)
    comment = Comment(
        post=post,
        block=form.chosen_block(post),
        name=form.name.data,
        secret=form.secret.data,
        status=CommentStatus.SPAM if spam else CommentStatus.PENDING,
        address_hash=hashed,
        created_at=now,
    )
    comment.set_body(form.body.data)
    db.session.add(comment)
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
