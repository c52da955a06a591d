"""The chart of views a day: the site's bar chart (blog/diary/charts.py) of one kind."""

import functools
from collections.abc import Sequence

from flask_babel import ngettext

from ..diary.charts import BarChart, bar_chart


@functools.lru_cache(maxsize=1024)
def _views(count: int, locale: str) -> str:
    # Kept by locale, as the metrics chart keeps its minutes (a lookup is 50 µs a bar).
    return ngettext("%(count)s view", "%(count)s views", count, count=f"{count:,}")


def views_chart(days: Sequence) -> BarChart:
    """A bar for each day (queries.DayViews: its `start` day and its `views`)."""
    return bar_chart([""], days, "day", lambda day: {"": day.views}, _views)
