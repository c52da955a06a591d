"""Times in the owner's time zone (BABEL_DEFAULT_TIMEZONE): what datetime-local fields show and
send, how the archive groups posts by day and month, and the same calendar in SQL. Stored
times are aware UTC."""

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, case, func, literal

from .extensions import db
from .models import UTCDateTime


def site_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_site_time(moment: datetime | None) -> datetime | None:
    """An aware UTC time as the naive local time a datetime-local input shows."""
    return None if moment is None else moment.astimezone(site_timezone()).replace(tzinfo=None)


def from_site_time(local: datetime | None) -> datetime | None:
    return None if local is None else local.replace(tzinfo=site_timezone()).astimezone(UTC)


def site_today() -> date:
    return datetime.now(UTC).astimezone(site_timezone()).date()


def day_start(day: date) -> datetime:
    """The first moment of a day of the site's calendar, in UTC (a day's end is the next
    day's start); past the last day a datetime holds, the last moment there is."""
    if day >= date.max:
        return datetime.max.replace(tzinfo=UTC)
    return from_site_time(datetime.combine(day, datetime.min.time()))


# The years a publication time may have, as the archive lists them: from the Unix epoch to the
# last year a datetime holds.
FIRST_YEAR, LAST_YEAR = 1970, 9999


# --- the site's calendar in SQL -----------------------------------------------------------

# The offsets are looked up until then; later times keep the last one found. Time zones
# change their rules by law, years ahead at most, and zoneinfo is only as new as tzdata.
OFFSETS_KNOWN_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)

# What SQLite's date() does after shifting to local time, for each unit a query may group by:
# weeks start on Monday, as PostgreSQL's date_trunc('week') does.
_SQLITE_UNIT = {"day": (), "week": ("weekday 0", "-6 days"), "month": ("start of month",)}


def local_date(column, unit: str = "day"):
    """SQL for the site's calendar date of the stored UTC time `column` (or the first day of
    its week or month, `unit`), as ISO text: 'YYYY-MM-DD' on both databases, so it groups,
    sorts and compares as text and `date.fromisoformat` reads it. The time zone arithmetic
    happens in the query, not in Python over the rows.

    PostgreSQL knows the time zones itself. SQLite does not: there it is the offset of the
    period the time falls in, chosen by a balanced tree of comparisons with the zone's offset
    changes (a handful for Asia/Seoul, two a year for a zone with summer time), so a row costs
    a few comparisons whatever the zone."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if db.engine.dialect.name == "postgresql":
        local = func.timezone(zone, func.timezone("UTC", column))
        if unit != "day":
            local = func.date_trunc(unit, local)
        return func.to_char(local, "YYYY-MM-DD", type_=String)
    changes = offset_changes(zone)
    return func.date(column, _offset_at(column, changes), *_SQLITE_UNIT[unit], type_=String)


def _offset_at(column, changes: tuple[tuple[datetime, int], ...]):
    """SQL choosing the SQLite date modifier ('+32400 seconds') of the period `column` is in."""
    if len(changes) == 1:
        return literal(f"{changes[0][1]:+d} seconds")
    middle = len(changes) // 2
    return case(
        (column < literal(changes[middle][0], UTCDateTime), _offset_at(column, changes[:middle])),
        else_=_offset_at(column, changes[middle:]),
    )


@functools.cache
def offset_changes(zone_name: str) -> tuple[tuple[datetime, int], ...]:
    """(from when, UTC offset in seconds) for each period of one offset the zone has had since
    FIRST_YEAR, the first from the beginning of time. Found by looking at every day (no zone
    changes its offset twice in one day) and then at the second it happened; about 60 ms,
    once per zone and process."""
    zone = ZoneInfo(zone_name)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    changes = [(datetime.min.replace(tzinfo=UTC), offset(moment))]
    day = timedelta(days=1)
    while moment < OFFSETS_KNOWN_UNTIL:
        following = moment + day
        if offset(following) != changes[-1][1]:
            before, after = moment, following  # the change is in (before, after]
            while after - before > timedelta(seconds=1):
                middle = before + (after - before) / 2
                before, after = (
                    (middle, after) if offset(middle) == changes[-1][1] else (before, middle)
                )
            changes.append((after.replace(microsecond=0), offset(after)))
        moment = following
    return tuple(changes)
