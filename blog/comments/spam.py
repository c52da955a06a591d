"""Telling a reader's comment from spam, with no third-party service: names that imitate the
owner, characters that disguise text, addresses kept only as keyed hashes with a daily salt,
the owner's block lists and the rate limit."""

import hashlib
import hmac
import unicodedata
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app

from ..extensions import db
from ..models import Comment, CommentChange
from ..rendering import find_links
from ..site_settings import get_settings, setting_lines

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


# --- addresses, hashed with a daily salt ----------------------------------------------------


# What a hash is for, in its salt: the same reader's hash for a comment and for a 공감 differ,
# so one table's hashes cannot be matched with the other's.
COMMENT_ADDRESS = "comment-address"


def _daily_salt(day: date, purpose: str) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{day.isoformat()}".encode(), hashlib.sha256).digest()


def address_hash(address: str, day: date, purpose: str = COMMENT_ADDRESS) -> str:
    """`YYYYMMDD:hash`: the day is kept so a blocked entry can be checked against its salt."""
    digest = hmac.new(_daily_salt(day, purpose), address.encode(), hashlib.sha256).hexdigest()
    return f"{day:%Y%m%d}:{digest[:32]}"


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


def looks_like_spam(body: str, name: str, address: str, now: datetime) -> bool:
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


def recent_from(hashed: str, now: datetime) -> int:
    """Comments sent and own comments changed (edited or deleted, see follow.py) from the
    address in the rate limit's window: one budget for every write a reader makes."""
    window = timedelta(seconds=current_app.config["COMMENT_RATE_WINDOW_SECONDS"])
    sent = db.session.scalar(
        db.select(db.func.count())
        .select_from(Comment)
        .where(Comment.address_hash == hashed, Comment.created_at > now - window)
    )
    changed = db.session.scalar(
        db.select(db.func.count())
        .select_from(CommentChange)
        .where(CommentChange.address_hash == hashed, CommentChange.changed_at > now - window)
    )
    return sent + changed
