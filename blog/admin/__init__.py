"""The owner's desk: every post with its state, the comment queue, the settings."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import import_views, views  # noqa: E402,F401  (views attach their routes to bp)
