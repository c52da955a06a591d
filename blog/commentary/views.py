"""Commentary views: the list, the feed, a commentary's page (with its reading modes), its
공감 and its comments, the editor (with the article's details from its address), deleting."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..extensions import csrf
from ..feeds import FEED_LENGTH, atom_response
from ..models import Commentary
from ..posts.pages import delete_response, editor_response, post_page, send_comment, takes_photos
from ..posts.queries import get_visible_or_404, paginate_visible, published_posts
from ..posts.urls import canonical_redirect, post_url
from ..reactions.pages import send_like
from ..structured_data import commentary_article
from ..study.glossary import csv_download, deck_download, download_name, entries, entries_query
from .article_page import fetch_article_details
from .fetching import FetchRefused
from .forms import CommentaryForm

bp = Blueprint("commentary", __name__)


def commentary_page(commentary: Commentary, comment_form=None, status: int = 200, likes=None):
    return post_page(
        commentary,
        "commentary/detail.html",
        comment_form,
        status,
        likes=likes,
        # Study mode: translations start folded, for a reader to reveal one at a time.
        study=request.args.get("study") == "1",
        # On a wide screen, each quote beside its translation (reading.js remembers the choice;
        # without JavaScript this link's query asks for it).
        side_by_side=request.args.get("layout") == "side",
        structured_data=commentary_article(commentary),
    )


@bp.get("/")
def index():
    return render_template("commentary/index.html", page=paginate_visible(Commentary))


@bp.get("/feed.xml")
def feed():
    return atom_response(
        _l("Commentary"),
        published_posts(Commentary, limit=FEED_LENGTH),
        "commentary.feed",
        url_for("commentary.index", _external=True),
    )


# Every commentary address works with and without its slug: /commentary/7 and /commentary/7-x.
@bp.get("/<int:post_id>", defaults={"slug": ""})
@bp.get("/<int:post_id>-<slug>")
def detail(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    if slug != commentary.slug:
        return canonical_redirect(commentary)
    return commentary_page(commentary)


# The commentary's key expressions to download, as the glossary's (blog/study/glossary.py).
@bp.get("/<int:post_id>/expressions.csv", defaults={"slug": ""})
@bp.get("/<int:post_id>-<slug>/expressions.csv")
def expressions_csv(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    if slug != commentary.slug:
        return redirect(post_url(commentary, "expressions_csv"), code=301)
    found = entries(entries_query("post", commentary.id))
    return csv_download(found, download_name(commentary, "csv"))


@bp.get("/<int:post_id>/expressions.apkg", defaults={"slug": ""})
@bp.get("/<int:post_id>-<slug>/expressions.apkg")
def expressions_apkg(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    if slug != commentary.slug:
        return redirect(post_url(commentary, "expressions_apkg"), code=301)
    found = entries(entries_query("post", commentary.id))
    return deck_download(found, download_name(commentary, "apkg"))


@bp.post("/<int:post_id>/comments", defaults={"slug": ""})
@bp.post("/<int:post_id>-<slug>/comments")
@csrf.exempt  # checked by origin instead of a session token: see forms.CommentForm
def comment(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    answer = send_comment(commentary)
    return answer.redirect or commentary_page(commentary, answer.form, answer.status)


@bp.post("/<int:post_id>/like", defaults={"slug": ""})
@bp.post("/<int:post_id>-<slug>/like")
@csrf.exempt  # no session, so no token: refused from other sites by origin (reactions/pages.py)
def like(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    answer = send_like(commentary)
    return answer.response or commentary_page(commentary, status=answer.status, likes=answer.likes)


def fill_in_article(form: CommentaryForm) -> int | None:
    """기사 정보 가져오기 without JavaScript: the article's fields filled in from its page and
    the form shown again with everything typed (200), or what went wrong said at the address
    field (400, 502 or 504, see fetching.STATUS). None when the button was not pressed."""
    if not form.fetch_article.data:
        return None
    try:
        taken = form.take_article_details(fetch_article_details(form.url.data))
    except FetchRefused as refusal:
        form.url.errors = [refusal.message]
        return refusal.status
    flash(taken.message, "success")  # not "saved": nothing is saved, the browser's copy stays
    return 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
@takes_photos
def create():
    return editor_response(
        CommentaryForm(), Commentary(), "commentary/edit.html", fill_in=fill_in_article
    )


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"], defaults={"slug": ""})
@bp.route("/<int:post_id>-<slug>/edit", methods=["GET", "POST"])
@login_required
@takes_photos
def edit(post_id: int, slug: str):
    commentary = get_visible_or_404(Commentary, post_id)
    return editor_response(
        CommentaryForm(), commentary, "commentary/edit.html", fill_in=fill_in_article
    )


@bp.post("/article-details")
@login_required
def article_details():
    """기사 정보 가져오기 for the editor's script (article-details.js; CSRF token in the
    X-CSRFToken header): it sends `url` and the article's fields as they are, and gets the
    fields to fill in and the message, as the button would give them; or `error`, with the
    button's status."""
    form = CommentaryForm()
    try:
        taken = form.take_article_details(fetch_article_details(form.url.data))
    except FetchRefused as refusal:
        return jsonify(error=str(refusal.message)), refusal.status
    return jsonify(fields=taken.filled, message=taken.message)


@bp.route("/<int:post_id>/delete", methods=["GET", "POST"], defaults={"slug": ""})
@bp.route("/<int:post_id>-<slug>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int, slug: str):
    return delete_response(get_visible_or_404(Commentary, post_id), "commentary.index")
