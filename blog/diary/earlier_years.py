"""This day in earlier years (N년 전 오늘): the diary entries dated on a date of the site's
calendar in earlier years, for the owner's desk, and an entry's "1년 전 오늘의 일기"."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_

from ..extensions import db
from ..models import DiaryEntry, Post
from ..posts.queries import shown_between
from ..site_time import day_start, site_today, to_site_time

# The desk shows a short list: at most this many entries, the newest first.
ON_THIS_DAY_SHOWN = 20


@dataclass(frozen=True)
class EarlierEntry:
    entry: DiaryEntry
    years_ago: int


def same_date_in(year: int, day: date) -> tuple[date, date] | None:
    """The days of `year` (first, last) that count as `day`'s date there, for the desk.

    29 February is only in leap years: on that day the desk shows earlier 29 Februaries, and
    nothing from the years without one. On 28 February of a year without one, it shows the
    28ths and also the 29ths of earlier leap years, which would never come up otherwise. So
    every earlier entry comes up once a year, and none twice (in a leap year, the 28th and
    the 29th each have their own)."""
    if (day.month, day.day) == (2, 29):
        return (date(year, 2, 29),) * 2 if calendar.isleap(year) else None
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        return date(year, 2, 28), date(year, 2, 29 if calendar.isleap(year) else 28)
    return (date(year, day.month, day.day),) * 2


def _dated_within(first: date, last: date, owner_signed_in: bool):
    """The SQL condition "the post is dated (site time) from the day `first` to `last`"."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    if owner_signed_in:
        return shown_between(start, end)
    # What a reader sees is published: dated by its publication time, which the index
    # searches by (shown_between's "or written then, if never published" made SQLite read
    # every publication time up to now: 40 ms, not 2).
    return and_(Post.published_at >= start, Post.published_at < end)


def _entries_dated(spans: list[tuple[date, date]], owner_signed_in: bool):
    """A select of the diary entries this visitor may see dated (site time) within any of
    `spans` (first and last day), the newest first.

    The posts are found first, by the index of publication times alone, into a table of
    their ids: asked for diary entries in the same step, SQLite reads every entry instead
    (without statistics it takes kind = 'diary' for a rare value): 370 ms at 100,000
    posts, against 5 ms this way."""
    dated = (
        db.select(Post.id)
        # The dates first: given "published by now" first, SQLite searches the index by that.
        .where(or_(*(_dated_within(first, last, owner_signed_in) for first, last in spans)))
        .where(Post.visible_to(owner_signed_in))
        .cte("dated")
        .prefix_with("MATERIALIZED")
    )
    return (
        db.select(DiaryEntry)
        .join(dated, DiaryEntry.id == dated.c.id)
        .order_by(DiaryEntry.shown_date.desc(), DiaryEntry.id.desc())
    )


def _first_year() -> int | None:
    """The year (site time) of the oldest post's date: its publication time, or for a post
    saved without one, when it was written. Two lookups in the index of publication times."""
    earliest = db.session.execute(
        db.select(
            db.select(func.min(Post.published_at)).scalar_subquery(),
            db.select(func.min(Post.created_at))
            .where(Post.published_at.is_(None))
            .scalar_subquery(),
        )
    ).one()
    moments = [moment for moment in earliest if moment is not None]
    return to_site_time(min(moments)).year if moments else None


def on_this_day(today: date | None = None) -> list[EarlierEntry]:
    """The diary entries not in the trash (any visibility: the desk is the owner's) dated on
    today's date of the site's calendar in earlier years, the newest first. One query of
    ranges of times, one a year since the first post's, each found in the index, whatever the
    number of entries: never a month and day computed for every entry."""
    today = today or site_today()
    first_year = _first_year()
    if first_year is None:
        return []
    spans = [same_date_in(year, today) for year in range(first_year, today.year)]
    spans = [span for span in spans if span]
    if not spans:
        return []
    entries = db.session.scalars(_entries_dated(spans, True).limit(ON_THIS_DAY_SHOWN))
    return [
        EarlierEntry(entry, today.year - to_site_time(entry.shown_date).year) for entry in entries
    ]


def year_before(entry: DiaryEntry, owner_signed_in: bool) -> DiaryEntry | None:
    """An entry this visitor may see dated on the same date of the site's calendar a year
    before `entry`'s (the last of that day if there are several): for a reader a published
    one, for the owner any not in the trash. One day only, unlike the desk: an entry of 29
    February has the 28th of the year before (which never has a 29th)."""
    day = to_site_time(entry.shown_date).date()
    try:
        before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        before = date(day.year - 1, 2, 28)
    return db.session.scalar(_entries_dated([(before, before)], owner_signed_in).limit(1))
