"""The commentary section: an English article, quote → translation → opinion blocks, a summary."""

from flask import Blueprint

bp = Blueprint("commentary", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
