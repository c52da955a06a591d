"""The site's charts as geometry: scales, round ticks, path data, bars and labels. The
metrics page's (a weight line, exercise bars) and the owner's statistics' (views a day, see
blog/stats) use them.

Only numbers and plain-text labels come out of here; templates/_macros/charts.html draws
them as SVG with Jinja's autoescape, so no markup is built in Python and a kind of exercise
the owner typed reaches the page escaped, as any text does. Colours are CSS classes
(static/css/site.css, with the dark scheme), never inline styles: the CSP allows none.

Why not a library: pygal, the maintained pure-Python SVG charting library, writes a <style>
element (its base CSS is added whatever `css` says) and a <script> (`window.pygal.config`,
written even with `js=[]`) into every chart, and hands back markup that a template could only
show unescaped; its colours come from its own Style objects, not the site's CSS
variables, and its tooltips need JavaScript. matplotlib is a large dependency whose SVG
carries inline `style` attributes and fixed colours. Two charts of a few hundred points need
neither: a scale is one line of arithmetic, and everything here is tested on its own.
"""

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_skeleton
from flask_babel import format_decimal, get_locale, gettext

from .numbers import bucket_starts

# The drawing's own units (its viewBox): the SVG is as wide as the page's column and keeps
# this shape, so it takes its height before it is drawn (no layout shift). Its text scales
# with it, so site.css gives a phone's labels more units (14, about 12 px there) than a
# desktop's (10, about 16 px in the wider column); the margins leave room for either.
WIDTH, HEIGHT = 420, 210


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


# Room for the value labels on the left and the dates below.
PLOT = Box(left=44, top=26, right=WIDTH - 10, bottom=HEIGHT - 24)
# Ticks: a handful a chart; their labels must not run into each other.
VALUE_TICKS = 4
DATE_TICKS = 5
# A date label this close to the plot's right end is aligned by its end, not its middle.
LABEL_HALF_WIDTH = 30


@dataclass(frozen=True)
class Scale:
    """The linear map of values from `low`–`high` to positions `start`–`end`."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


def nice_step(span: float, count: int, smallest: float = 0) -> float:
    """The round step (1, 2 or 5 times a power of ten, at least `smallest`) that cuts `span`
    into at most about `count` parts."""
    rough = span / count if span > 0 else smallest or 1
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)
    return max(step, smallest)


def nice_ticks(low: float, high: float, count: int = VALUE_TICKS, smallest: float = 0) -> list:
    """Round values from one at or below `low` to one at or above `high`, a nice step apart:
    the axis's ticks, and (first and last) its domain."""
    step = nice_step(high - low, count, smallest)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    if first == last:
        last += 1
    # Rounded to the step's decimals: 0.1 * 3 is not 0.3 in floating point.
    places = max(0, -math.floor(math.log10(step)))
    return [round(n * step, places) for n in range(first, last + 1)]


def path(points: Iterable[tuple[float, float]]) -> str:
    """SVG path data through the points, in order: `M x y L x y …` (one decimal)."""
    return " ".join(f"{'L' if n else 'M'}{x:.1f} {y:.1f}" for n, (x, y) in enumerate(points))


@dataclass(frozen=True)
class Tick:
    at: float  # where, along its axis
    label: str
    anchor: str = "middle"  # SVG text-anchor of a date label


def date_label(day: date, skeleton: str) -> str:
    """A day in the visitor's language, as much of it as the CLDR skeleton asks for ('MMMd':
    3월 4일, Mar 4; 'yMMM': 2026년 3월, Mar 2026)."""
    return _date_label(day, skeleton, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _date_label(day: date, skeleton: str, locale: str) -> str:
    # Kept: Babel matches the skeleton to the locale's patterns at every call (0.2 ms), and a
    # chart of a few hundred points names the same days at every request.
    return format_skeleton(skeleton, day, locale=locale)


# Kept too, as the translations they look up (a lookup is 50 µs: 20 ms for a year of bars).
@functools.lru_cache(maxsize=4096)
def _group_label(day: date, unit: str | None, locale: str) -> str:
    """What a point or a bar stands for, in `locale` (the visitor's): its day, or the week
    or month it begins."""
    if unit == "week":
        return gettext("Week of %(day)s", day=date_label(day, "yMMMd"))
    return date_label(day, "yMMM" if unit == "month" else "yMMMd")


@functools.lru_cache(maxsize=1024)
def _minutes(count: int, locale: str) -> str:
    return gettext("%(minutes)s minutes", minutes=f"{count:,}")


def _value_ticks(values: list[float], scale: Scale) -> list[Tick]:
    return [Tick(scale(value), format_decimal(value, "0.#")) for value in values]


def _anchored(at: float, label: str) -> Tick:
    return Tick(at, label, "end" if at > PLOT.right - LABEL_HALF_WIDTH else "middle")


def _month_skeleton(first: date, last: date) -> str:
    """A month's label names its year only when the chart spans more than one."""
    return "yMMM" if first.year != last.year else "MMM"


# Steps between date ticks, finest first: days (weeks start on Monday), then months.
_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


def date_ticks(first: date, last: date, scale: Scale, count: int = DATE_TICKS) -> list[Tick]:
    """At most `count` days from `first` to `last`, evenly spaced on the calendar: every day
    or second day, each Monday or second Monday, or the first of every month, quarter, year
    and so on, whichever is the finest that fits."""
    for step in _DAY_STEPS:
        start = first if step < 7 else first + timedelta(days=-first.weekday() % 7)
        days = (last - start).days
        if days // step + 1 <= count:
            ticks = [start + timedelta(days=n) for n in range(0, days + 1, step)]
            return [_anchored(scale(day.toordinal()), date_label(day, "MMMd")) for day in ticks]
    for step in _MONTH_STEPS:
        ticks = [
            day
            for day in bucket_starts(first, last, "month")
            if day >= first and (day.year * 12 + day.month - 1) % step == 0
        ]
        if len(ticks) <= count:
            skeleton = "y" if step >= 12 else _month_skeleton(first, last)
            return [_anchored(scale(day.toordinal()), date_label(day, skeleton)) for day in ticks]
    return []


# --- the weight line -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    """A point drawn (numbers.WeightPoint: its day, weight, average, url), the day or group
    it stands for as text, and its figures as its tooltip says them."""

    x: float
    y: float
    point: object
    label: str
    title: str


@dataclass(frozen=True)
class LineChart:
    plot: Box
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    line: str
    average: str
    dots: list[Dot]
    width: int = WIDTH
    height: int = HEIGHT


# The weight axis moves by half a kilogram at the finest: a scale's digit, not noise.
SMALLEST_KG_STEP = 0.5


def weight_chart(points: Sequence, first: date, last: date, unit: str | None = None) -> LineChart:
    """The weights (`day`, `weight`, `average` of each point; each a day, week or month's
    when grouped by `unit`) over the days from `first` to `last`: the line through them, the
    moving average's line, a dot for each."""
    values = [value for point in points for value in (point.weight, point.average)]
    kg = nice_ticks(min(values), max(values), smallest=SMALLEST_KG_STEP)
    y = Scale(kg[0], kg[-1], PLOT.bottom, PLOT.top)
    x = Scale(first.toordinal(), last.toordinal(), PLOT.left, PLOT.right)
    average, locale = gettext("average of the last 7:"), str(get_locale())
    dots = []
    for point in points:
        label = _group_label(point.day, unit, locale)
        title = f"{label}: {point.weight:.1f} kg ({average} {point.average:.1f} kg)"
        dots.append(Dot(x(point.day.toordinal()), y(point.weight), point, label, title))
    return LineChart(
        plot=PLOT,
        x_ticks=date_ticks(first, last, x),
        y_ticks=_value_ticks(kg, y),
        line=path((dot.x, dot.y) for dot in dots),
        average=path((dot.x, y(dot.point.average)) for dot in dots),
        dots=dots,
    )


# --- the exercise bars ---------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One kind's part of a bar: `series` is the kind's place in the legend (its colour)."""

    y: float
    height: float
    series: int
    title: str  # its bar's week or month, the kind and its minutes, for a tooltip


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    segments: list[Segment]
    bucket: object  # the week or month drawn (numbers.ExerciseBucket)
    label: str  # which, as text


@dataclass(frozen=True)
class BarChart:
    plot: Box
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    bars: list[Bar]
    kinds: list[str]
    width: int = WIDTH
    height: int = HEIGHT


# The minutes axis goes up by at least ten minutes a tick.
SMALLEST_MINUTES_STEP = 10
# A bar fills this share of its slot; the rest is the gap between bars.
BAR_SHARE = 0.7


def exercise_chart(kinds: Sequence[str], buckets: Sequence, unit: str) -> BarChart:
    """A bar for each week or month (`unit`) of `buckets` (each with its `start` day and its
    `minutes` by kind), the kinds stacked in the order of `kinds`, the first at the bottom."""
    return bar_chart(
        kinds, buckets, unit, lambda bucket: bucket.minutes, _minutes, SMALLEST_MINUTES_STEP
    )


def bar_chart(
    kinds: Sequence[str],
    buckets: Sequence,
    unit: str,
    amounts: Callable[[object], Mapping[str, int]],
    say: Callable[[int, str], str],
    smallest_step: int = 1,
) -> BarChart:
    """A bar for each day, week or month (`unit`) of `buckets` (each with its `start` day),
    its `amounts(bucket)` by kind stacked in the order of `kinds`, the first at the bottom.
    `say(amount, locale)` is an amount as the tooltip says it ("30 minutes"); a chart of one
    kind names it "" (its tooltips then say the day and the amount only)."""
    highest = max((sum(amounts(bucket).values()) for bucket in buckets), default=0)
    values = nice_ticks(0, max(highest, smallest_step), smallest=smallest_step)
    y = Scale(0, values[-1], PLOT.bottom, PLOT.top)
    slot = PLOT.width / max(len(buckets), 1)
    bars, locale = [], str(get_locale())
    for number, bucket in enumerate(buckets):
        label = _group_label(bucket.start, unit, locale)
        segments, below, by_kind = [], 0, amounts(bucket)
        for series, kind in enumerate(kinds):
            amount = by_kind.get(kind, 0)
            if amount:
                top = y(below + amount)
                title = f"{label}: {' '.join(filter(None, (kind, say(amount, locale))))}"
                segments.append(Segment(top, y(below) - top, series, title))
                below += amount
        left = PLOT.left + slot * (number + (1 - BAR_SHARE) / 2)
        bars.append(Bar(left, slot * BAR_SHARE, segments, bucket, label))
    return BarChart(
        plot=PLOT,
        x_ticks=_bar_ticks(buckets, unit, slot),
        y_ticks=_value_ticks(values, y),
        bars=bars,
        kinds=list(kinds),
    )


def _bar_ticks(buckets: Sequence, unit: str, slot: float) -> list[Tick]:
    """Labels under every n-th bar, at most DATE_TICKS of them: a day by its date, a week by
    its Monday, a month by its name."""
    if not buckets:
        return []
    every = math.ceil(len(buckets) / DATE_TICKS)
    if unit in ("day", "week"):
        skeleton = "MMMd"
    else:
        skeleton = _month_skeleton(buckets[0].start, buckets[-1].start)
    return [
        _anchored(PLOT.left + slot * (number + 0.5), date_label(bucket.start, skeleton))
        for number, bucket in enumerate(buckets)
        if number % every == 0
    ]


@dataclass(frozen=True)
class TrendCharts:
    weight: LineChart | None
    exercise: BarChart | None


def trend_charts(trends) -> TrendCharts:
    """The charts of the metrics page's figures (numbers.Trends): none for a period without
    weights, or without exercise."""
    if trends is None:
        return TrendCharts(None, None)
    exercise = trends.exercise
    return TrendCharts(
        weight_chart(trends.weights, trends.first, trends.last, trends.weight_unit)
        if trends.weights
        else None,
        exercise_chart(exercise.kinds, exercise.buckets, exercise.unit)
        if trends.exercise_totals.days
        else None,
    )
