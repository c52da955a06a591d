"""The archive's calendar: the days and months with posts (and, for the owner, the days with
exercise) in the site's time zone, counted in SQL by ranges of time, and the month grids."""

import calendar
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from babel import Locale
from babel.core import get_global
from babel.dates import format_skeleton, match_skeleton, parse_pattern
from flask import url_for
from flask_babel import gettext, ngettext
from sqlalchemy import JSON, String, and_, cast, exists, func, literal, type_coerce

from ..extensions import db
from ..models import DiaryEntry, Post, UTCDateTime, Visibility, utcnow
from ..site_time import (
    FIRST_YEAR,
    LAST_YEAR,
    from_site_time,
    local_date,
    site_timezone,
    to_site_time,
)


@dataclass(frozen=True)
class Day:
    """A day of the calendar: the posts from it this visitor may see, and (for the owner only)
    whether an entry of that day records exercise."""

    day: date
    posts: int = 0
    exercised: bool = False
    # For a marked day: its page (a day with posts) and what its link or mark says.
    href: str = ""
    label: str = ""


@dataclass(frozen=True)
class Month:
    first: date
    name: str
    # Weeks of seven cells; None before the month's first day and after its last.
    weeks: list[list[Day | None]]
    posts: int


@dataclass(frozen=True)
class YearCalendar:
    year: int
    name: str
    months: list[Month]
    # (abbreviated, full) names of the weekdays in the order the visitor's weeks run.
    weekdays: list[tuple[str, str]]


# --- bounds of the site's days, months and years, in UTC ---------------------------------


def month_start(year: int, month: int) -> datetime:
    """The first moment of a month of the site's calendar, in UTC; past the last year a
    datetime can hold (the end of December 9999), the last moment there is."""
    if year > LAST_YEAR:
        return datetime.max.replace(tzinfo=UTC)
    return from_site_time(datetime(year, month, 1))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    return month_start(year, month), month_start(year + month // 12, month % 12 + 1)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return month_start(year, 1), month_start(year + 1, 1)


def valid_day(year: int, month: int, day: int) -> date | None:
    """The day an address names, if it is one the archive can have."""
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 30 February
        return None


def days_bounds(days: list[date]) -> list[tuple[datetime, datetime]]:
    """day_bounds of each of consecutive `days`, each midnight converted once (a year's
    days, twice each through from_site_time, took 5 ms)."""
    zone = site_timezone()
    starts = [datetime.combine(day, time.min, zone).astimezone(UTC) for day in days]
    return list(zip(starts, [*starts[1:], day_bounds(days[-1])[1]], strict=True))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a day of the site's calendar, in UTC; the last day a date holds ends at
    the last moment there is. (site_time.day_start takes that day, 31 December 9999, for
    "after the end", so it would end 30 December there.)"""
    start = from_site_time(datetime.combine(day, time.min))
    if day == date.max:
        return start, datetime.max.replace(tzinfo=UTC)
    return start, from_site_time(datetime.combine(day + timedelta(days=1), time.min))


# --- what the archive counts, in SQL -----------------------------------------------------

# Counting posts by a date computed from each post's time (GROUP BY site_time.local_date) costs
# a function call and a sort per post: 180 ms for the months of 100,000 posts on SQLite, 25 ms
# for the days of one year of them. Counted by ranges of publication times instead, the
# database only walks its index of them (ix_post_listing): 16 ms for all 100,000, 5 ms for a
# year's days. The ranges, the site's days or months in UTC, are computed here (a few hundred,
# never one per post), so the time zone is Python's on both databases.


def _ranges(bounds: list[tuple[datetime, datetime]], owner: bool):
    """The [since, until) ranges of UTC times `bounds` as a table for a query, numbered n from
    0. They travel as one JSON parameter that the database reads as rows: a parameter for each
    bound cost SQLAlchemy 20 ms for a year's days, more than the counting.

    For a reader they end by now at the latest (published by now, see _visible), the next
    microsecond excluded: times are kept to the microsecond."""
    if not owner:
        by_now = utcnow() + timedelta(microseconds=1)
        bounds = [(since, min(until, by_now)) for since, until in bounds]
    dialect = db.engine.dialect
    stored = UTCDateTime().bind_processor(dialect)  # the form the database keeps times in
    texts: dict[datetime, str] = {}
    for moment in {moment for pair in bounds for moment in pair}:
        value = stored(moment)
        texts[moment] = value if isinstance(value, str) else value.isoformat(" ")
    data = json.dumps([[texts[since], texts[until]] for since, until in bounds])
    if dialect.name == "postgresql":
        rows = func.json_array_elements(cast(literal(data, String), JSON))
        rows = rows.table_valued("value", with_ordinality="n").render_derived()
        number = rows.c.n - 1
        since, until = (cast(rows.c.value.op("->>")(i), UTCDateTime) for i in (0, 1))
    else:
        rows = func.json_each(literal(data, String)).table_valued("key", "value")
        number = rows.c.key
        since, until = (
            type_coerce(func.json_extract(rows.c.value, f"$[{i}]"), UTCDateTime) for i in (0, 1)
        )
    # Materialized: read once into a table, not read out of the JSON at every comparison.
    ranges = db.select(number.label("n"), since.label("since"), until.label("until"))
    return ranges.cte("ranges").prefix_with("MATERIALIZED")


def _visible(model, owner: bool):
    """Post.visible_to within the ranges of _ranges, with every visibility named for the
    owner: the database then reads the owner's counts from the index that starts with the
    visibility too (three ranges of it), instead of each post's row to see whether it is in
    the trash. A reader's "published by now" is in the ranges' ends instead of a third bound on
    the publication time, which sent SQLite (once ANALYZE said nearly every post is public)
    to skip-scan the index, ANY(visibility) AND ANY(deleted_at), at every range: 530 ms for the
    months of 100,000 posts, 8 ms with the ranges ending by now."""
    if owner:
        return and_(model.visibility.in_(list(Visibility)), model.visible_to(True))
    return and_(model.visibility == Visibility.PUBLIC, model.deleted_at.is_(None))


def _published_within(ranges, owner: bool, model=Post):
    return and_(
        model.published_at >= ranges.c.since,
        model.published_at < ranges.c.until,
        _visible(model, owner),
    )


def _count_within(ranges, owner: bool):
    return db.select(func.count()).where(_published_within(ranges, owner)).scalar_subquery()


def years_with_posts(owner: bool) -> list[int]:
    """The years (site time) with posts this visitor may see, newest first. Two queries,
    whatever the number of posts: the first and last publication times, then which years
    between them have posts, a search of the index each (a scheduled post may be thousands
    of years ahead, so not every month between them)."""
    visible, posts = Post.visible_to(owner), Post.__table__
    # From the posts' own table: Post's select joins every commentary's row to its post, and
    # PostgreSQL then read all of them for the first time (0.3 s at 100,000 posts).
    first, last = db.session.execute(
        db.select(
            db.select(func.min(Post.published_at))
            .select_from(posts)
            .where(visible)
            .scalar_subquery(),
            db.select(func.max(Post.published_at))
            .select_from(posts)
            .where(visible)
            .scalar_subquery(),
        )
    ).one()
    if first is None:
        return []
    years = range(to_site_time(first).year, to_site_time(last).year + 1)
    ranges = _ranges([year_bounds(year) for year in years], owner)
    found = db.select(ranges.c.n).where(exists().where(_published_within(ranges, owner)))
    return sorted((years[n] for n in db.session.scalars(found)), reverse=True)


def month_counts(years: list[int], owner: bool) -> dict[tuple[int, int], int]:
    """The posts this visitor may see by (year, month) of publication in the site's time zone
    for `years`, months without any left out: one query."""
    months = [(year, month) for year in years for month in range(1, 13)]
    if not months:
        return {}
    ranges = _ranges([month_bounds(year, month) for year, month in months], owner)
    counts = db.session.execute(db.select(ranges.c.n, _count_within(ranges, owner)))
    return {months[n]: count for n, count in counts if count}


def months_of(days: dict[date, "Day"]) -> dict[tuple[int, int], int]:
    """The months' counts of posts from the days' (a loop over days, not posts)."""
    months: dict[tuple[int, int], int] = {}
    for day in days.values():
        if day.posts:
            key = (day.day.year, day.day.month)
            months[key] = months.get(key, 0) + day.posts
    return months


def _exercised(model=DiaryEntry):
    """DiaryEntry.exercised in SQL: a kind, or minutes of it."""
    return (model.exercise_kind != "") | (model.exercise_minutes > 0)


def days_of(year: int) -> list[date]:
    return [
        date(year, month, number)
        for month in range(1, 13)
        for number in range(1, calendar.monthrange(year, month)[1] + 1)
    ]


def marked_days(year: int, owner: bool) -> dict[date, Day]:
    """The days of `year` with posts this visitor may see (by publication time, as the
    archive's months), and for the owner also the days an entry not in the trash records
    exercise (by the date the entry shows: a draft saved without a time is dated by when it
    was written). One query, and one more for the owner's undated drafts."""
    days = days_of(year)
    ranges = _ranges(days_bounds(days), owner)
    columns = [ranges.c.n, _count_within(ranges, owner)]
    if owner:
        entry = exists().where(_published_within(ranges, owner, DiaryEntry), _exercised())
        columns.append(entry)
    marked: dict[date, Day] = {}
    for n, posts, *exercised in db.session.execute(db.select(*columns)):
        if posts or any(exercised):
            marked[days[n]] = Day(days[n], posts, any(exercised))
    if owner:
        for day in _undated_exercise_days(year):
            marked[day] = replace(marked.get(day, Day(day)), exercised=True)
    return marked


def _undated_exercise_days(year: int) -> list[date]:
    """The days of `year` on which drafts saved without a publication time, and recording
    exercise, were written: grouped by day in SQL. Drafts are few, and found by the index of
    visibility and publication time, where theirs is empty (0.3 ms at 100,000 posts; with
    the visibility left unnamed SQLite read every diary entry's row: 7.5 ms)."""
    start, end = year_bounds(year)
    written = local_date(DiaryEntry.created_at)
    found = db.session.scalars(
        db.select(written)
        .where(
            DiaryEntry.published_at.is_(None),
            _visible(DiaryEntry, owner=True),
            DiaryEntry.created_at >= start,
            DiaryEntry.created_at < end,
            _exercised(),
        )
        .group_by(written)
    )
    return [date.fromisoformat(text) for text in found]


def neighbour_years(year: int, owner: bool) -> tuple[int | None, int | None]:
    """The nearest earlier and later year with posts this visitor may see: two lookups in the
    index of publication times."""
    start, end = year_bounds(year)
    visible = Post.visible_to(owner)
    posts = Post.__table__  # (not Post's select, which joins the commentaries: see above)
    earlier = db.session.scalar(
        db.select(func.max(Post.published_at))
        .select_from(posts)
        .where(visible, Post.published_at < start)
    )
    later = db.session.scalar(
        db.select(func.min(Post.published_at))
        .select_from(posts)
        .where(visible, Post.published_at >= end)
    )
    return tuple(
        None if moment is None else to_site_time(moment).year for moment in (earlier, later)
    )


# --- the grid ----------------------------------------------------------------------------


def week_start(locale: Locale) -> int:
    """The weekday weeks start on for the visitor's language (0 Monday … 6 Sunday). Babel
    knows it by territory, and a bare language has none (`ko` would get the world's Monday):
    then the territory the language is most likely from (ko: KR, en: US, both Sunday)."""
    if locale.territory is None:
        locale = Locale.parse(get_global("likely_subtags").get(str(locale), str(locale)))
    return locale.first_week_day


def year_calendar(year: int, days: dict[date, Day], locale: Locale) -> YearCalendar:
    """The twelve month grids of `year` with the marked `days`, each marked day with its
    address and label: a loop over the year's days (calendar.Calendar), never over posts."""
    first_weekday = week_start(locale)
    weeks_of = calendar.Calendar(first_weekday)
    month_names = month_names_of(locale, "wide")
    label = _day_labeller(year, locale)
    months = []
    for month in range(1, 13):
        weeks = [
            [
                label(days.get(date(year, month, n)) or Day(date(year, month, n))) if n else None
                for n in week
            ]
            for week in weeks_of.monthdayscalendar(year, month)
        ]
        posts = sum(day.posts for week in weeks for day in week if day)
        months.append(Month(date(year, month, 1), month_names[month - 1], weeks, posts))
    names = locale.days["stand-alone"]
    order = [(first_weekday + n) % 7 for n in range(7)]
    return YearCalendar(
        year=year,
        name=format_skeleton("y", date(year, 1, 1), locale=locale),
        months=months,
        weekdays=[(names["abbreviated"][d], names["wide"][d]) for d in order],
    )


def _day_labeller(year: int, locale: Locale):
    """Gives a marked day of `year` its address and what a screen reader says of it:
    "12월 2일 · 글 2편 · 운동". Each count's words are looked up once, and the addresses
    follow the year page's (public.archive_day is /archive/<year>/<month>/<day>): a
    url_for and an ngettext a day cost 20 ms for a year."""
    # The pattern found and read once (format_skeleton finds and reads it for every day).
    skeletons = locale.datetime_skeletons
    pattern = parse_pattern(skeletons[match_skeleton("MMMd", skeletons) or "MMMd"])
    year_page = url_for("public.archive_year", year=year)
    counts: dict[int, str] = {}
    exercise = gettext("exercise")

    def label(day: Day) -> Day:
        if not (day.posts or day.exercised):
            return day
        words = [pattern.apply(day.day, locale)]
        if day.posts:
            if day.posts not in counts:
                counts[day.posts] = ngettext("%(num)d post", "%(num)d posts", day.posts)
            words.append(counts[day.posts])
        if day.exercised:
            words.append(exercise)
        href = f"{year_page}{day.day.month}/{day.day.day}" if day.posts else ""
        return Day(day.day, day.posts, day.exercised, href, " · ".join(words))

    return label


def month_names_of(locale: Locale, width: str) -> list[str]:
    """The twelve months as the language names them alone: "abbreviated" (12월, Dec) or
    "wide" (12월, December). Read from babel's data: format_skeleton would look for the
    pattern of each (1 ms a month)."""
    names = locale.months["stand-alone"][width]
    return [names[month] for month in range(1, 13)]
