"""The site's settings, its one state row and the page facets' versions (for the page cache)."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime


class Setting(db.Model):
    """The owner's site settings, one row per key (block lists, comment rules)."""

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class SiteState(db.Model):
    """One row: a number that changes whenever anything a visitor can see changes.

    Public pages are identified by it (ETag), so a reader's browser or any cache can be told
    "not modified" without rendering, across all workers and machines, with one cheap query.
    A scheduled post's time arriving changes it too (see pagecache.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[int] = mapped_column(default=1)
    # The earliest publication time still in the future, when the version must change again.
    next_publication_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PageFacet(db.Model):
    """A part of some pages that changes on its own, with its own version (`likes:12`, the
    공감 count of post 12): a page that shows it says so while rendering, and only such pages
    become old when it changes; every other page keeps its copy and its ETag (pagecache.py).
    A row appears with the first change; no row reads as version 0."""

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
