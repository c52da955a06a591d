"""The owner's view counts: views of each post by day, and where readers came from."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class PostView(db.Model):
    """How many times readers opened a post's page on one day of the site's calendar.

    Written in batches by blog/stats (adding to the row), never by a reader's request. The
    key starts with the day: the owner's page reads days across every post (the last 7 or
    30); a post's own figures use the post's index."""

    __tablename__ = "post_view"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    views: Mapped[int] = mapped_column(default=0)


class ReferrerView(db.Model):
    """Views of a post on one day by where the reader came from: never the address they came
    from, only its site's host, and search engines and social sites by their name.

    `kind` is one of blog.stats.referrers.KINDS: direct (no referrer), internal (this site),
    search and social (`name` is the engine's or the site's name), site (`name` is the
    host; empty for hosts past the in-memory bound, see blog.stats.counting)."""

    __tablename__ = "referrer_view"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
