"""Commentary views: the standard section views, with study mode on the post page."""

from flask import request
from flask_babel import lazy_gettext as _l

from ..models import Commentary
from ..sections import register_section
from ..structured_data import commentary_article
from . import bp
from .forms import CommentaryForm


def page_context(commentary: Commentary) -> dict:
    return {
        # Study mode: translations start folded, for a reader to reveal one at a time.
        "study": request.args.get("study") == "1",
        "structured_data": commentary_article(commentary),
    }


register_section(bp, Commentary, CommentaryForm, _l("Commentary"), page_context)
