"""Diary views: thin, each loads, validates, calls one function and commits once."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..models import DiaryEntry
from ..posts import editor_response, get_visible_or_404, post_url, visible_posts
from . import bp
from .forms import DiaryForm


def post_route(rule: str, **options):
    """Register a view under the post's URL with and without its slug (`/12` and `/12-제목`)."""

    def decorator(view):
        bp.add_url_rule(f"/<int:post_id>{rule}", view_func=view, defaults={"slug": ""}, **options)
        bp.add_url_rule(f"/<int:post_id>-<slug>{rule}", view_func=view, **options)
        return view

    return decorator


@bp.get("/")
def index():
    page = request.args.get("page", 1, type=int)
    entries = db.paginate(
        visible_posts(DiaryEntry), page=page, per_page=current_app.config["POSTS_PER_PAGE"]
    )
    return render_template("diary/index.html", page=entries)


@post_route("")
def detail(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    if slug != entry.slug:
        return redirect(post_url(entry), code=301)
    return render_template("diary/detail.html", post=entry)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    return editor_response(DiaryForm(), DiaryEntry(), "diary/edit.html")


@post_route("/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    return editor_response(DiaryForm(), entry, "diary/edit.html")


@post_route("/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    if request.method == "POST":
        db.session.delete(entry)
        db.session.commit()
        flash(_("The entry was deleted."), "success")
        return redirect(url_for("diary.index"), code=303)
    return render_template("confirm_delete.html", post=entry)
