"""Giving and counting 공감: once a day per reader, who is known only by a keyed hash of the
address and browser with the day's salt (never the address), with a rate limit per reader.

Each 공감 changes only the pages that show the post's count: it tells the page cache through
the facet `likes:<post id>` (pagecache.facet_changed), never content_changed."""

import enum
from datetime import date, datetime, timedelta

from flask import current_app

from .. import pagecache
from ..comments.spam import address_hash
from ..extensions import db, insert_for
from ..models import LikeMark, LikeTotal, Post, utcnow
from ..site_time import site_timezone

# A mark is kept this many days after its own (the day's salt makes older ones useless, and
# nothing else needs them): then it is deleted with the next 공감.
MARK_DAYS = 2
# The salt's purpose (comments/spam.py): a reader's like hash is never their comment hash.
LIKE_READER = "like-reader"


class Given(enum.Enum):
    COUNTED = "counted"
    ALREADY = "already"  # this reader's 공감 of the post today was counted before
    RATE_LIMITED = "rate_limited"


def likes_key(post_id: int) -> str:
    """The page facet of a post's 공감 count (pagecache.page_depends_on)."""
    return f"likes:{post_id}"


def site_day(moment: datetime) -> date:
    """The day of the site's calendar (its time zone, not UTC) a moment falls on."""
    return moment.astimezone(site_timezone()).date()


def reader_hash(address: str, user_agent: str, day: date) -> str:
    """Who the reader is, for one day: the address and the browser, hashed with the day's salt."""
    return address_hash(f"{address}\n{user_agent}", day, purpose=LIKE_READER)


def give_like(post: Post, address: str, user_agent: str, now: datetime | None = None) -> Given:
    """A reader's 공감 of `post`: counted once per site day, refused beyond the rate limit. The
    caller commits. The mark's unique key decides "once" in the database (two presses at the
    same moment count one), in the same statement that stores it."""
    now = now or utcnow()
    day = site_day(now)
    hashed = reader_hash(address, user_agent, day)
    if _recent_likes(hashed, now) >= current_app.config["LIKE_RATE_LIMIT"]:
        return Given.RATE_LIMITED
    mark = insert_for(LikeMark.__table__).values(
        reader_hash=hashed, post_id=post.id, day=day, created_at=now
    )
    stored = db.session.scalar(
        mark.on_conflict_do_nothing(index_elements=["reader_hash", "post_id", "day"]).returning(
            LikeMark.id
        )
    )
    if stored is None:  # RETURNING tells a skipped row on both databases (rowcount did not)
        return Given.ALREADY
    total = insert_for(LikeTotal.__table__).values(post_id=post.id, count=1)
    db.session.execute(
        total.on_conflict_do_update(
            index_elements=["post_id"], set_={"count": LikeTotal.__table__.c.count + 1}
        )
    )
    pagecache.facet_changed(likes_key(post.id))
    forget_old_marks(day)
    return Given.COUNTED


def _recent_likes(hashed: str, now: datetime) -> int:
    """This reader's 공감 counted in the last LIKE_RATE_WINDOW_SECONDS (read through the mark's
    unique index, whose first column is the hash)."""
    window = timedelta(seconds=current_app.config["LIKE_RATE_WINDOW_SECONDS"])
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(LikeMark)
        .where(LikeMark.reader_hash == hashed, LikeMark.created_at > now - window)
    )


def forget_old_marks(today: date) -> None:
    """Delete the marks older than MARK_DAYS (by the index of days; most days none)."""
    db.session.execute(db.delete(LikeMark).where(LikeMark.day < today - timedelta(days=MARK_DAYS)))


def like_count(post_id: int) -> int:
    return db.session.scalar(db.select(LikeTotal.count).where(LikeTotal.post_id == post_id)) or 0


def like_counts(post_ids: list[int]) -> dict[int, int]:
    """The counts of several posts in one query (the owner's desk): post id → count, for those
    that have any."""
    found = db.select(LikeTotal.post_id, LikeTotal.count).where(LikeTotal.post_id.in_(post_ids))
    return dict(db.session.execute(found).all())
