"""Diary views: the standard section views for diary entries."""

from flask_babel import lazy_gettext as _l

from ..models import DiaryEntry
from ..sections import register_section
from ..structured_data import diary_posting
from . import bp
from .forms import DiaryForm

register_section(
    bp,
    DiaryEntry,
    DiaryForm,
    _l("Diary"),
    page_context=lambda entry: {"structured_data": diary_posting(entry)},
)
