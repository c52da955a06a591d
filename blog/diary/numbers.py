"""The diary's numbers as data: what the editor suggests, and (for the owner's metrics page)
the trends. Every figure is aggregated in SQL: a page's cost does not grow with the diary."""

import csv
import functools
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    type_coerce,
)
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.types import JSON

from ..extensions import db
from ..models import DiaryEntry, UTCDateTime
from ..site_time import FIRST_YEAR, day_start, local_date, to_site_time
from ..study.glossary import spreadsheet_cell

# Offered before the owner has written any: what Korean diaries name most.
COMMON_EXERCISE = (
    _l("Pilates"),
    _l("Gym"),
    _l("Walking"),
    _l("Running"),
    _l("Yoga"),
    _l("Swimming"),
)
SUGGESTED_KINDS = 12


def exercise_suggestions() -> list[str]:
    """The kinds of exercise the owner wrote before, the most recent first, then the common
    ones not among them: the editor's suggestions (a datalist)."""
    recent = db.session.scalars(
        db.select(DiaryEntry.exercise_kind)
        .where(DiaryEntry.exercise_kind != "", DiaryEntry.deleted_at.is_(None))
        .group_by(DiaryEntry.exercise_kind)
        .order_by(db.func.max(DiaryEntry.shown_date).desc())
        .limit(SUGGESTED_KINDS)
    ).all()
    common = [str(kind) for kind in COMMON_EXERCISE if str(kind) not in recent]
    return [*recent, *common][:SUGGESTED_KINDS]


# --- the period the metrics page shows --------------------------------------------------

DEFAULT_PERIOD = "3m"
# The periods offered: 4 weeks, 3 months, a year, everything.
PERIOD_NAMES = ("4w", "3m", "1y", "all")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# No post is dated before the site's calendar begins (site_time.FIRST_YEAR).
EARLIEST_DAY = date(FIRST_YEAR, 1, 1)


class PeriodError(ValueError):
    """A period the page cannot show; its message says why, for the owner."""


@dataclass(frozen=True)
class Period:
    """Days of the site's calendar, both ends included: `first` None is from the first
    record on (the period 'all'). `name` is the preset chosen, "" for from/to."""

    first: date | None
    last: date
    name: str = ""

    @property
    def start(self) -> datetime | None:
        return None if self.first is None else day_start(max(self.first, EARLIEST_DAY))

    @property
    def end(self) -> datetime:
        """The first moment after the period (day_start of date.max is the end of time)."""
        return day_start(self.last + timedelta(days=1) if self.last < date.max else date.max)


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, or the month's last day when it is shorter."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - timedelta(days=1)).day))


def preset_period(name: str, today: date) -> Period:
    """4 weeks, 3 months or a year up to today (today included), or everything until today."""
    first = {
        "4w": lambda: today - timedelta(weeks=4),
        "3m": lambda: _months_before(today, 3),
        "1y": lambda: _months_before(today, 12),
        "all": lambda: None,
    }[name]()
    return Period(first and first + timedelta(days=1), today, name)


def _typed_day(text: str) -> date | None:
    """A YYYY-MM-DD day, None when blank; PeriodError for anything else."""
    text = text.strip()
    if not text:
        return None
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            _l("%(text)s is not a date: write it as YYYY-MM-DD, such as 2026-03-01.", text=text)
        ) from None


def requested_period(args: Mapping[str, str], today: date) -> Period:
    """The period the query asks for: `?period=4w|3m|1y|all` (3 months without one), or
    `?from=YYYY-MM-DD&to=YYYY-MM-DD` (a blank `from` is from the first record, a blank `to`
    today). PeriodError for a date that is none or a period that ends before it starts."""
    if "from" in args or "to" in args:
        first, last = _typed_day(args.get("from", "")), _typed_day(args.get("to", ""))
        last = last or today
        if first is not None and first > last:
            raise PeriodError(_l("The period ends before it starts: swap the two dates."))
        return Period(first, last)
    name = args.get("period", DEFAULT_PERIOD)
    if name not in PERIOD_NAMES:
        raise PeriodError(_l("Choose one of the periods offered, or two dates."))
    return preset_period(name, today)


# --- what is counted ------------------------------------------------------------------------


def _kept(*conditions):
    """The diary entries not in the trash that meet `conditions` (every visibility: these are
    the owner's numbers)."""
    return and_(DiaryEntry.deleted_at.is_(None), *conditions)


def _in_period(period: Period, *conditions):
    bounds = [DiaryEntry.shown_date < period.end]
    if period.start is not None:
        bounds.append(DiaryEntry.shown_date >= period.start)
    return _kept(*bounds, *conditions)


# As DiaryEntry.exercised: a kind of exercise, or minutes of it. Written with its constants
# in the SQL, as the partial index of exercise (ix_post_exercised) says it: a database plans
# a query with parameters before it knows that they are '' and 0.
EXERCISED = or_(
    DiaryEntry.exercise_kind != literal_column("''"),
    DiaryEntry.exercise_minutes > literal_column("0"),
)
WEIGHED = DiaryEntry.weight_kg.is_not(None)
CHARTED = or_(WEIGHED, EXERCISED)


def _first_time(condition, latest: bool = False):
    """SQL: the time of the first (or last) entry not in the trash that meets `condition`,
    read from the end of its index (min() of an expression is not)."""
    order = (DiaryEntry.shown_date, DiaryEntry.id)
    return (
        db.select(DiaryEntry.shown_date)
        .where(_kept(condition))
        .order_by(*(column.desc() if latest else column for column in order))
        .limit(1)
        .scalar_subquery()
    )


def recorded_days() -> tuple[date, date] | None:
    """The site's days of the first and the last entry with a weight or exercise."""
    times = db.session.execute(
        db.select(
            *(
                _first_time(condition, latest)
                for latest in (False, True)
                for condition in (WEIGHED, EXERCISED)
            )
        )
    ).one()
    firsts, lasts = [t for t in times[:2] if t], [t for t in times[2:] if t]
    if not firsts:
        return None
    return to_site_time(min(firsts)).date(), to_site_time(max(lasts)).date()


# --- weight ---------------------------------------------------------------------------------

MOVING_AVERAGE_ENTRIES = 7
# More points than this make a chart (and its table) a smear: they are then grouped by day,
# week or month, the finest of these that gives no more groups than this.
MAX_POINTS = 200


@dataclass(frozen=True)
class WeightPoint:
    """An entry's weight, or a group's (`entries` > 1): the mean of its weights, dated by the
    group's first day, with the moving average and the address of its last entry."""

    day: date
    weight: float
    average: float
    entry_id: int
    slug: str
    entries: int = 1

    @functools.cached_property  # (the chart and its table both link it)
    def url(self) -> str:
        return url_for("diary.detail", post_id=self.entry_id, slug=self.slug)


@dataclass(frozen=True)
class WeightSummary:
    count: int  # up to MAX_POINTS + 1 (see weight_summary)
    first: float | None
    last: float | None

    @property
    def change(self) -> float | None:
        return None if self.first is None else round(self.last - self.first, 1)


def weight_summary(period: Period) -> WeightSummary:
    """The period's first weight and its last, and how many it has, counted up to one more
    than MAX_POINTS: enough to know whether to group them (trends counts them all)."""
    in_period = _in_period(period, WEIGHED)
    order = (DiaryEntry.shown_date, DiaryEntry.id)

    def weight_at(ordering):
        return (
            db.select(DiaryEntry.weight_kg).where(in_period).order_by(*ordering).limit(1)
        ).scalar_subquery()

    some = db.select(DiaryEntry.id).where(in_period).limit(MAX_POINTS + 1).subquery()
    count = db.select(func.count()).select_from(some).scalar_subquery()
    row = db.session.execute(
        db.select(count, weight_at(order), weight_at(column.desc() for column in order))
    ).one()
    return WeightSummary(*row)


def _weighed(period: Period):
    """The weights up to the period's end, each with the moving average of the last
    MOVING_AVERAGE_ENTRIES weights, from enough entries before the period that its first
    average is right."""
    bounds = [DiaryEntry.shown_date < period.end]
    if period.start is not None:
        before = (
            db.select(DiaryEntry.shown_date)
            .where(_kept(WEIGHED, DiaryEntry.shown_date < period.start))
            .order_by(DiaryEntry.shown_date.desc(), DiaryEntry.id.desc())
            .offset(MOVING_AVERAGE_ENTRIES - 2)
            .limit(1)
            .scalar_subquery()
        )
        # Fewer earlier weights than that: all of them.
        beginning = literal(datetime.min.replace(tzinfo=UTC), UTCDateTime)
        bounds.append(DiaryEntry.shown_date >= func.coalesce(before, beginning))
    return (
        db.select(
            DiaryEntry.id,
            DiaryEntry.slug,
            DiaryEntry.shown_date.label("shown"),
            DiaryEntry.weight_kg.label("weight"),
            func.avg(DiaryEntry.weight_kg)
            .over(
                order_by=(DiaryEntry.shown_date, DiaryEntry.id),
                rows=(-(MOVING_AVERAGE_ENTRIES - 1), 0),
            )
            .label("average"),
        )
        .where(_kept(WEIGHED, *bounds))
        .subquery("weighed")
    )


def weight_points(period: Period) -> list[WeightPoint]:
    """Each weight of the period, oldest first, with its moving average."""
    weighed = _weighed(period)
    query = db.select(weighed).order_by(weighed.c.shown, weighed.c.id)
    if period.start is not None:
        query = query.where(weighed.c.shown >= period.start)
    return [
        WeightPoint(to_site_time(row.shown).date(), row.weight, row.average, row.id, row.slug)
        for row in db.session.execute(query)
    ]


# How the bounds of the groups reach the database (as naive UTC, the way UTCDateTime stores
# times, so that SQLite compares them as the stored text).
_STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _bucket_bounds(period: Period, first: date, last: date, unit: str) -> list[dict]:
    """The first day (as text) and the bounds in UTC (within the period) of each day, week
    or month from `first` to `last`: what the queries group by, without working out the
    site's day of every row (at 80,000 rows that arithmetic alone takes 60 ms in SQLite)."""
    starts = list(bucket_starts(first, last, unit))
    ends = [*starts[1:], _after(starts[-1], unit)]
    low, high = period.start, period.end

    def stored(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime(_STORED_TIME)

    return [
        {
            "day": start.isoformat(),
            "low": stored(max(day_start(start), low) if low else day_start(start)),
            "high": stored(min(day_start(end), high)),
        }
        for start, end in zip(starts, ends, strict=True)
    ]


def _buckets(bounds: list[dict]):
    """The groups' bounds as a table (day, low, high) read from one JSON parameter: a
    statement of the same shape whatever the number of groups, so SQLAlchemy compiles it
    once (a VALUES list of them has no cache key: 20 ms to compile at every request)."""
    data = bindparam("buckets", bounds, type_=JSON)
    if db.engine.dialect.name == "postgresql":
        return (
            func.json_to_recordset(cast(data, JSON))
            .table_valued(
                column("day", String), column("low", UTCDateTime), column("high", UTCDateTime)
            )
            .render_derived("buckets", with_types=True)
        )
    each = func.json_each(data).table_valued("value")
    return db.select(
        *(
            func.json_extract(each.c.value, f"$.{name}", type_=type_).label(name)
            for name, type_ in (("day", String), ("low", UTCDateTime), ("high", UTCDateTime))
        )
    ).subquery("buckets")


def _after(start: date, unit: str) -> date:
    """The first day of the next day, week or month."""
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7 if unit == "week" else 1)


def weight_groups(period: Period, first: date, last: date, unit: str) -> list[WeightPoint]:
    """The period's weights by day, week or month of the site's calendar (`unit`) from
    `first` to `last`, oldest first: each the group's mean weight, and the moving average at
    its last entry (its last MOVING_AVERAGE_ENTRIES weights, before the group too)."""
    buckets = _buckets(_bucket_bounds(period, first, last, unit))
    # Each figure of a group is a subquery over its part of the index (ix_post_weighed): a
    # join and GROUP BY would sort every weight of the period first.
    in_bucket = _kept(
        WEIGHED, DiaryEntry.shown_date >= buckets.c.low, DiaryEntry.shown_date < buckets.c.high
    )
    latest_first = (DiaryEntry.shown_date.desc(), DiaryEntry.id.desc())
    # The mean and the count from one pass over the weights, as text ("72.35 12"): a
    # subquery gives one value, and two would read them twice (15 ms at 80,000).
    mean_and_count = (
        db.select(
            cast(func.avg(DiaryEntry.weight_kg), String)
            + literal_column("' '")
            + cast(func.count(DiaryEntry.id), String)
        )
        .where(in_bucket)
        .scalar_subquery()
    )
    last_entry = (
        db.select(DiaryEntry.id).where(in_bucket).order_by(*latest_first).limit(1)
    ).scalar_subquery()
    recent = (
        db.select(DiaryEntry.weight_kg.label("weight"))
        .where(_kept(WEIGHED, DiaryEntry.shown_date < buckets.c.high))
        .order_by(*latest_first)
        .limit(MOVING_AVERAGE_ENTRIES)
        .correlate(buckets)
        .subquery("recent")
    )
    average = db.select(func.avg(recent.c.weight)).correlate(buckets).scalar_subquery()
    groups = db.select(
        buckets.c.day,
        mean_and_count.label("mean_and_count"),
        last_entry.label("id"),
        average.label("average"),
    ).subquery("groups")
    entry = DiaryEntry.__table__  # (the last entry's address; a group without one has none)
    query = (
        db.select(groups, entry.c.slug)
        .join(entry, entry.c.id == groups.c.id)
        .order_by(groups.c.day)
    )
    return [_group_point(row) for row in db.session.execute(query)]


def _group_point(row) -> WeightPoint:
    mean, entries = row.mean_and_count.split()
    return WeightPoint(
        date.fromisoformat(row.day), float(mean), row.average, row.id, row.slug, int(entries)
    )


def grouping_unit(first: date, last: date, points: int) -> str | None:
    """None when `points` are few enough to show each; else the finest calendar unit that
    gives at most MAX_POINTS groups from `first` to `last`."""
    if points <= MAX_POINTS:
        return None
    days = (last - first).days + 1
    if days <= MAX_POINTS:
        return "day"
    return "week" if days / 7 <= MAX_POINTS else "month"


# --- exercise -------------------------------------------------------------------------------

# The kinds with the most minutes in the period are named; the rest are one "other".
NAMED_KINDS = 3
OTHER_KINDS = _l("Other exercise")
# Weeks while a period has at most this many days; months beyond.
WEEKS_UP_TO_DAYS = 371


@dataclass(frozen=True)
class ExerciseBucket:
    """A week (from its Monday) or a month (from its 1st) and its minutes by kind shown."""

    start: date
    minutes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.minutes.values())


@dataclass(frozen=True)
class ExerciseTrend:
    unit: str
    kinds: list[str]
    buckets: list[ExerciseBucket]


def exercise_unit(first: date, last: date) -> str:
    return "week" if (last - first).days < WEEKS_UP_TO_DAYS else "month"


def bucket_starts(first: date, last: date, unit: str) -> Iterator[date]:
    """Every day, or the first day of every week (Monday) or month, from the one of `first`
    to `last`'s."""
    if unit == "month":
        day = first.replace(day=1)
    else:
        day = first - timedelta(days=first.weekday() if unit == "week" else 0)
    while day <= last:
        yield day
        day = _after(day, unit)


def exercise_minutes(period: Period, unit: str) -> list[tuple[str, str, int]]:
    """(first day of the week or month, kind, minutes) of the period's exercise."""
    bucket = local_date(DiaryEntry.shown_date, unit)
    query = (
        db.select(bucket, DiaryEntry.exercise_kind, func.sum(DiaryEntry.exercise_minutes))
        .where(_in_period(period, EXERCISED))
        .group_by(bucket, DiaryEntry.exercise_kind)
    )
    return [(day, kind, minutes or 0) for day, kind, minutes in db.session.execute(query)]


def exercise_trend(period: Period, first: date, last: date) -> ExerciseTrend:
    """Minutes of exercise by week (or month, in a long period) from `first` to `last`, none
    left out (a week without exercise has none), by kind: the NAMED_KINDS with most minutes,
    then all the others as one (exercise of no kind among them)."""
    unit = exercise_unit(first, last)
    rows = exercise_minutes(period, unit)
    totals: dict[str, int] = {}
    for _, kind, minutes in rows:
        totals[kind] = totals.get(kind, 0) + minutes
    ranked = sorted((kind for kind in totals if kind and totals[kind]), key=lambda k: -totals[k])
    named = ranked[:NAMED_KINDS]
    other = str(OTHER_KINDS)
    buckets = {
        start.isoformat(): ExerciseBucket(start) for start in bucket_starts(first, last, unit)
    }
    for day, kind, minutes in rows:
        shown = kind if kind in named else other
        if day in buckets and minutes:
            counted = buckets[day].minutes
            counted[shown] = counted.get(shown, 0) + minutes
    has_other = any(other in bucket.minutes for bucket in buckets.values())
    return ExerciseTrend(unit, [*named, *([other] if has_other else [])], list(buckets.values()))


@dataclass(frozen=True)
class ExerciseTotals:
    minutes: int
    days: int


def exercise_totals(period: Period) -> ExerciseTotals:
    """The period's minutes of exercise, and on how many of its days the owner exercised."""
    minutes, days = db.session.execute(
        db.select(
            func.coalesce(func.sum(DiaryEntry.exercise_minutes), 0),
            func.count(func.distinct(local_date(DiaryEntry.shown_date))),
        ).where(_in_period(period, EXERCISED))
    ).one()
    return ExerciseTotals(minutes, days)


def _day_number(day):
    """SQL: a 'YYYY-MM-DD' day as a count of days, so consecutive days differ by one."""
    if db.engine.dialect.name == "postgresql":
        return type_coerce(cast(day, Date) - cast(literal("1970-01-01"), Date), Integer)
    return func.julianday(day)


def exercise_streak(today: date) -> int:
    """How many days in a row the owner has exercised, up to today or yesterday (today may
    not be over); 0 when neither was such a day.

    Gaps and islands: numbered in order, consecutive days keep the difference between their
    day number and their row number, so that difference names each run of days."""
    day = local_date(DiaryEntry.shown_date).label("day")
    days = (
        db.select(day)
        .where(_kept(EXERCISED, DiaryEntry.shown_date < day_start(today + timedelta(days=1))))
        .distinct()
        .subquery("days")
    )
    island = (_day_number(days.c.day) - func.row_number().over(order_by=days.c.day)).label("island")
    runs = db.select(days.c.day, island).subquery("runs")
    latest = db.session.execute(
        db.select(func.count().label("length"), func.max(runs.c.day).label("last"))
        .group_by(runs.c.island)
        .order_by(func.max(runs.c.day).desc())
        .limit(1)
    ).one_or_none()
    if latest is None or date.fromisoformat(latest.last) < today - timedelta(days=1):
        return 0
    return latest.length


# --- the metrics page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Trends:
    """What the metrics page shows of a period: its days as charted (the period, within the
    days that have records), the weights and the exercise."""

    first: date
    last: date
    weight: WeightSummary
    weight_unit: str | None
    weights: list[WeightPoint]
    exercise: ExerciseTrend
    exercise_totals: ExerciseTotals

    @property
    def weigh_ins(self) -> int:
        return sum(point.entries for point in self.weights)


def trends(period: Period, today: date) -> Trends | None:
    """The period's figures, charted over the days from the first record on (none is known
    before it) to today or the last record; None when no entry has a weight or exercise."""
    recorded = recorded_days()
    if recorded is None:
        return None
    last = min(period.last, max(today, recorded[1]))
    # A period with no records in it (before the first): one day, nothing in it.
    first = min(max(period.first or recorded[0], recorded[0]), last)
    summary = weight_summary(period)
    unit = grouping_unit(first, last, summary.count)
    weights = weight_points(period) if unit is None else weight_groups(period, first, last, unit)
    return Trends(
        first,
        last,
        summary,
        unit,
        weights,
        exercise_trend(period, first, last),
        exercise_totals(period),
    )


# --- the CSV of every number ------------------------------------------------------------------

CSV_HEADER = (
    "date",
    "time",
    "entry_id",
    "url",
    "title",
    "weight_kg",
    "exercise_kind",
    "exercise_minutes",
    "meals",
    "metrics_public",
)
# A batch of entries read at a time while the CSV streams.
CSV_BATCH = 500


def entries_with_numbers() -> Iterator[DiaryEntry]:
    """Every diary entry not in the trash with any number (meals too), oldest first, read in
    batches; only the columns the CSV writes."""
    query = (
        db.select(DiaryEntry)
        .where(_kept(or_(CHARTED, DiaryEntry.meals != "")))
        .order_by(DiaryEntry.shown_date, DiaryEntry.id)
        .options(
            load_only(
                DiaryEntry.title,
                DiaryEntry.slug,
                DiaryEntry.excerpt,
                DiaryEntry.published_at,
                DiaryEntry.created_at,
                DiaryEntry.weight_kg,
                DiaryEntry.exercise_kind,
                DiaryEntry.exercise_minutes,
                DiaryEntry.meals,
                DiaryEntry.metrics_public,
            ),
            lazyload(DiaryEntry.tag_links),
        )
        .execution_options(yield_per=CSV_BATCH)
    )
    yield from db.session.scalars(query)


def csv_row(entry: DiaryEntry) -> list[str]:
    """An entry's numbers as the CSV has them: its day and time on the site's clock, the
    meals on one line (" / " between them)."""
    shown = to_site_time(entry.shown_date)
    return [
        shown.date().isoformat(),
        shown.strftime("%H:%M"),
        str(entry.id),
        url_for("diary.detail", post_id=entry.id, slug=entry.slug, _external=True),
        entry.heading,
        "" if entry.weight_kg is None else f"{entry.weight_kg:.1f}",
        entry.exercise_kind,
        "" if entry.exercise_minutes is None else str(entry.exercise_minutes),
        " / ".join(line.strip() for line in entry.meals.splitlines() if line.strip()),
        "true" if entry.metrics_public else "false",
    ]


def csv_chunks() -> Iterator[bytes]:
    """The CSV of every entry with numbers, a batch of rows at a time: a header row, then a
    row each (a text cell that a spreadsheet would run as a formula made text)."""
    text = io.StringIO()
    text.write("\ufeff")  # UTF-8 with a BOM, as the glossary's CSV: Excel reads Hangul then
    writer = csv.writer(text)
    writer.writerow(CSV_HEADER)
    for number, entry in enumerate(entries_with_numbers(), start=1):
        writer.writerow([spreadsheet_cell(cell) for cell in csv_row(entry)])
        if number % CSV_BATCH == 0:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode()


def csv_filename(today: date) -> str:
    return f"diary-numbers-{today.isoformat()}.csv"
