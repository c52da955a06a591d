"""The owner's figures, summed in SQL: totals, the most-read posts, views by day, referrers."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func

from ..extensions import db
from ..models import Post, PostView, ReferrerView
from ..site_time import site_today
from .referrers import DIRECT, INTERNAL, SEARCH, SITE, SOCIAL

# The periods the owner's page shows: the last 7 and 30 days, today included.
WEEK, MONTH = 7, 30
MOST_READ = 10
REFERRERS_SHOWN = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> "Period":
        today = today or site_today()
        return cls(today - timedelta(days=days - 1), today)


@dataclass(frozen=True)
class Totals:
    today: int
    week: int
    month: int
    all_time: int


def totals(post_id: int | None = None, today: date | None = None) -> Totals:
    """Views today, in the last 7 and 30 days and ever: of one post, or of all."""
    today = today or site_today()
    since = {days: Period.last_days(days, today).first for days in (1, WEEK, MONTH)}
    row = db.session.execute(
        db.select(
            *(
                func.coalesce(func.sum(PostView.views).filter(PostView.day >= first), 0)
                for first in since.values()
            ),
            func.coalesce(func.sum(PostView.views), 0),
        ).where(PostView.post_id == post_id if post_id is not None else db.true())
    ).one()
    return Totals(*row)


@dataclass(frozen=True)
class Read:
    post: Post
    views: int


def most_read(period: Period, limit: int = MOST_READ) -> list[Read]:
    """The posts read most in the period, the most first (the newest post first on a tie)."""
    views = func.sum(PostView.views).label("views")
    ranked = (
        db.select(PostView.post_id, views)
        .where(PostView.day.between(period.first, period.last))
        .group_by(PostView.post_id)
        .order_by(views.desc(), PostView.post_id.desc())
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Post, ranked.c.views)
        .join(ranked, ranked.c.post_id == Post.id)
        .order_by(ranked.c.views.desc(), Post.id.desc())
    )
    return [Read(post, number) for post, number in rows]


@dataclass(frozen=True)
class DayViews:
    """One day's views: a bar of the chart (stats/charts.py) and a table row."""

    start: date
    views: int


def views_by_day(period: Period, post_id: int | None = None) -> list[DayViews]:
    """Every day of the period (days without views too), oldest first."""
    query = (
        db.select(PostView.day, func.sum(PostView.views))
        .where(PostView.day.between(period.first, period.last))
        .group_by(PostView.day)
    )
    if post_id is not None:
        query = query.where(PostView.post_id == post_id)
    found = dict(db.session.execute(query).all())
    days = (period.last - period.first).days + 1
    return [
        DayViews(day, found.get(day, 0))
        for day in (period.first + timedelta(days=n) for n in range(days))
    ]


@dataclass(frozen=True)
class Source:
    kind: str
    name: str
    views: int


@dataclass(frozen=True)
class Sources:
    """Where the period's readers came from: each group's total and its sites, the most first."""

    direct: int
    internal: int
    search: list[Source]
    social: list[Source]
    sites: list[Source]

    def total(self, group: list[Source]) -> int:
        return sum(source.views for source in group)

    @property
    def any(self) -> bool:
        return bool(self.direct or self.internal or self.search or self.social or self.sites)


def referrers(period: Period, post_id: int | None = None) -> Sources:
    views = func.sum(ReferrerView.views).label("views")
    query = (
        db.select(ReferrerView.kind, ReferrerView.name, views)
        .where(ReferrerView.day.between(period.first, period.last))
        .group_by(ReferrerView.kind, ReferrerView.name)
        .order_by(views.desc(), ReferrerView.kind, ReferrerView.name)
    )
    if post_id is not None:
        query = query.where(ReferrerView.post_id == post_id)
    found = [Source(*row) for row in db.session.execute(query)]
    by_kind = {
        kind: [source for source in found if source.kind == kind]
        for kind in (DIRECT, INTERNAL, SEARCH, SOCIAL, SITE)
    }
    return Sources(
        direct=sum(source.views for source in by_kind[DIRECT]),
        internal=sum(source.views for source in by_kind[INTERNAL]),
        search=by_kind[SEARCH],
        social=by_kind[SOCIAL],
        sites=by_kind[SITE][:REFERRERS_SHOWN],
    )
