"""Diary views: thin, each loads, validates, calls one function and commits once."""

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..feeds import FEED_LENGTH, atom_response
from ..models import DiaryEntry
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
from ..structured_data import diary_posting
from . import bp
from .forms import DiaryForm


def render_entry(entry: DiaryEntry, comment_form=None, status: int = 200):
    return post_page(
        entry, "diary/detail.html", comment_form, status, structured_data=diary_posting(entry)
    )


@bp.get("/feed.xml")
def feed():
    return atom_response(
        _l("Diary"),
        published_posts(DiaryEntry, limit=FEED_LENGTH),
        "diary.feed",
        url_for("diary.index", _external=True),
    )


@bp.get("/")
def index():
    return render_template("diary/index.html", page=paginate_visible(DiaryEntry))


@post_route(bp, "")
def detail(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    if slug != entry.slug:
        return canonical_redirect(entry)
    return render_entry(entry)


@post_route(bp, "/comments", methods=["POST"])
def comment(post_id: int, slug: str):
    return comment_response(get_visible_or_404(DiaryEntry, post_id), render_entry)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    return editor_response(DiaryForm(), DiaryEntry(), "diary/edit.html")


@post_route(bp, "/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    return editor_response(DiaryForm(), entry, "diary/edit.html")


@post_route(bp, "/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int, slug: str):
    return delete_response(get_visible_or_404(DiaryEntry, post_id), "diary.index")
