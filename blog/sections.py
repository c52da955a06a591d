"""The views every section (diary, commentary) has, registered on its blueprint.

A section differs only in its model, its editor form, its templates and what its post page
needs besides the post; the flows themselves live in posts.py.
"""

from collections.abc import Callable

from flask import Blueprint, render_template, url_for
from flask_login import login_required

from .extensions import csrf
from .feeds import FEED_LENGTH, atom_response
from .posts import (
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


def register_section(
    bp: Blueprint,
    model,
    form_class,
    feed_title,
    page_context: Callable[[object], dict] = lambda post: {},
) -> None:
    """Add index, feed, detail, comment, create, edit and delete views to `bp`.

    Templates are `<section>/index.html`, `detail.html` and `edit.html`.
    """
    section = bp.name

    def render_page(post, comment_form=None, status: int = 200):
        return post_page(post, f"{section}/detail.html", comment_form, status, **page_context(post))

    @bp.get("/")
    def index():
        return render_template(f"{section}/index.html", page=paginate_visible(model))

    @bp.get("/feed.xml")
    def feed():
        return atom_response(
            feed_title,
            published_posts(model, limit=FEED_LENGTH),
            f"{section}.feed",
            url_for(f"{section}.index", _external=True),
        )

    @post_route(bp, "")
    def detail(post_id: int, slug: str):
        post = get_visible_or_404(model, post_id)
        if slug != post.slug:
            return canonical_redirect(post)
        return render_page(post)

    @post_route(bp, "/comments", methods=["POST"])
    @csrf.exempt  # checked by origin instead of a session token: see forms.CommentForm
    def comment(post_id: int, slug: str):
        return comment_response(get_visible_or_404(model, post_id), render_page)

    @bp.route("/new", methods=["GET", "POST"])
    @login_required
    def create():
        return editor_response(form_class(), model(), f"{section}/edit.html")

    @post_route(bp, "/edit", methods=["GET", "POST"])
    @login_required
    def edit(post_id: int, slug: str):
        post = get_visible_or_404(model, post_id)
        return editor_response(form_class(), post, f"{section}/edit.html")

    @post_route(bp, "/delete", methods=["GET", "POST"])
    @login_required
    def delete(post_id: int, slug: str):
        return delete_response(get_visible_or_404(model, post_id), f"{section}.index")
