"""Commentary views: the same shape as the diary's, with the block editor."""

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..feeds import FEED_LENGTH, atom_response
from ..models import Commentary
from ..posts import (
    canonical_redirect,
    comment_response,
    delete_response,
    editor_response,
    get_visible_or_404,
    paginate_visible,
    post_page,
    post_route,
    published_posts,
)
from ..structured_data import commentary_article
from . import bp
from .forms import CommentaryForm


def render_commentary(commentary: Commentary, comment_form=None, status: int = 200):
    return post_page(
        commentary,
        "commentary/detail.html",
        comment_form,
        status,
        # Study mode: translations start folded, for a reader to reveal one at a time.
        study=request.args.get("study") == "1",
        structured_data=commentary_article(commentary),
    )


@bp.get("/feed.xml")
def feed():
    return atom_response(
        _l("Commentary"),
        published_posts(Commentary, limit=FEED_LENGTH),
        "commentary.feed",
        url_for("commentary.index", _external=True),
    )


@bp.get("/")
def index():
    return render_template("commentary/index.html", page=paginate_visible(Commentary))


@post_route(bp, "")
def detail(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    if slug != commentary.slug:
        return canonical_redirect(commentary)
    return render_commentary(commentary)


@post_route(bp, "/comments", methods=["POST"])
def comment(post_id: int, slug: str):
    return comment_response(get_visible_or_404(Commentary, post_id), render_commentary)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    return editor_response(CommentaryForm(), Commentary(), "commentary/edit.html")


@post_route(bp, "/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    return editor_response(CommentaryForm(), commentary, "commentary/edit.html")


@post_route(bp, "/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int, slug: str):
    return delete_response(get_visible_or_404(Commentary, post_id), "commentary.index")
