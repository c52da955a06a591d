"""The diary's numbers as data: what the editor suggests, and (for the owner's metrics page)
the trends. Every figure is aggregated in SQL: a page's cost does not grow with the diary."""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import DiaryEntry

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
