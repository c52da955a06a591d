"""Pages for everyone: the home page, tag pages and the language choice."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
