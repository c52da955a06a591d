"""The diary section: Markdown entries with a date, an optional title, tags and visibility."""

from flask import Blueprint

bp = Blueprint("diary", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
