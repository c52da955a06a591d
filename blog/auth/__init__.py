"""Owner login, logout, first-run setup and password change. There is no sign-up."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
from .session import configure_login  # noqa: E402,F401
