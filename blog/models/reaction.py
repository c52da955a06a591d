"""Readers' 공감 (likes): a total per post, and the day's marks that count each reader once."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class LikeTotal(db.Model):
    """How many 공감 a post has: one row per post that has any, so a page reads one number
    and the owner's desk one column, never a count over the marks (which are dropped)."""

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    count: Mapped[int] = mapped_column(default=0)


class LikeMark(db.Model):
    """A reader's 공감 of a post on one day of the site's calendar. The reader is a keyed
    hash of their address and browser with that day's salt (never the address itself), so
    the same reader is counted once a day and nobody can tell who it was, or follow a reader
    from one day to the next. Marks are dropped after MARK_DAYS (see reactions/likes.py)."""

    __table_args__ = (
        UniqueConstraint("reader_hash", "post_id", "day"),
        # Dropping old marks reads them by day.
        Index("ix_like_mark_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_hash: Mapped[str] = mapped_column(String(80))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    # For the rate limit per reader (marks of the last LIKE_RATE_WINDOW_SECONDS).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
