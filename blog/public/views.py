"""The home page, posts by tag, and the visitor's language choice."""

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from .. import search
from ..auth.safe_next import safe_next_path
from ..extensions import csrf, db
from ..models import Post, Tag, tag_key
from ..posts import owner_signed_in, visible_posts
from . import bp

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


@bp.get("/")
def index():
    posts = db.paginate(
        visible_posts(), page=_page_number(), per_page=current_app.config["POSTS_PER_PAGE"]
    )
    return render_template("public/home.html", page=posts)


@bp.get("/tags/<tag>")
def tag(tag: str):
    found = db.session.scalar(db.select(Tag).where(Tag.key == tag_key(tag)))
    if found is None:
        abort(404)
    posts = db.paginate(
        visible_posts().where(Post.tags.contains(found)),
        page=_page_number(),
        per_page=current_app.config["POSTS_PER_PAGE"],
    )
    if not posts.total:
        abort(404)  # a tag whose posts are all hidden does not exist for this visitor
    return render_template("public/tag.html", tag=found, page=posts)


QUERY_PROBLEMS = {
    "empty": _l("Type a word to search for."),
    "too_short": _l("Use at least two letters (for Korean, two syllables)."),
    "too_long": _l("That is too long to search for. Use a few words."),
    "too_many": _l("Use at most eight words."),
}


@bp.get("/search")
def search_page():
    raw = request.args.get("q", "")
    results, problem = None, None
    if raw.strip():
        try:
            results = search.search(raw, include_hidden=owner_signed_in(), page=_page_number())
        except search.QueryError as error:
            problem = QUERY_PROBLEMS[str(error)]
    status = 400 if problem else 200
    if results and results.page > results.pages:
        abort(404)
    words = search.parse_query(raw).words if results else []
    return render_template(
        "public/search.html", query=raw, results=results, problem=problem, words=words
    ), status


@bp.post("/language")
@csrf.exempt  # a display preference only; a token here would give every reader a session
def language():
    chosen = request.form.get("lang", "")
    back = safe_next_path(request.form.get("next")) or url_for("public.index")
    response = make_response(redirect(back, code=303))
    if chosen in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            chosen,
            max_age=LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["HTTPS"],
        )
    return response


@bp.get("/favicon.ico")
def favicon():
    return current_app.send_static_file("favicon.ico")
