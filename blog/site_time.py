"""Times in the owner's time zone (BABEL_DEFAULT_TIMEZONE): what datetime-local fields show and
send, and how the archive groups posts by month. Stored times are aware UTC."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def site_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_site_time(moment: datetime | None) -> datetime | None:
    """An aware UTC time as the naive local time a datetime-local input shows."""
    return None if moment is None else moment.astimezone(site_timezone()).replace(tzinfo=None)


def from_site_time(local: datetime | None) -> datetime | None:
    return None if local is None else local.replace(tzinfo=site_timezone()).astimezone(UTC)


# The years a publication time may have, as the archive lists them: from the Unix epoch to the
# last year a datetime holds.
FIRST_YEAR, LAST_YEAR = 1970, 9999
