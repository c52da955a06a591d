"""Diary views: the list, the feed, an entry's page, its 공감 and its comments, the editor,
deleting, and the owner's trends of the diary's numbers (with their CSV)."""

from flask import Blueprint, abort, render_template, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..extensions import csrf
from ..feeds import FEED_LENGTH, atom_response
from ..models import DiaryEntry
from ..posts.pages import delete_response, editor_response, post_page, send_comment, takes_photos
from ..posts.queries import get_visible_or_404, owner_signed_in, paginate_visible, published_posts
from ..posts.urls import canonical_redirect
from ..reactions.pages import send_like
from ..site_time import site_today
from ..structured_data import diary_posting
from ..study.glossary import download
from . import charts, earlier_years, numbers
from .forms import DiaryForm
from .numbers import exercise_suggestions

bp = Blueprint("diary", __name__)


def entry_page(entry: DiaryEntry, comment_form=None, status: int = 200, likes=None):
    return post_page(
        entry,
        "diary/detail.html",
        comment_form,
        status,
        likes=likes,
        structured_data=diary_posting(entry),
        year_before=earlier_years.year_before(entry, owner_signed_in()),
    )


@bp.get("/")
def index():
    return render_template("diary/index.html", page=paginate_visible(DiaryEntry))


@bp.get("/feed.xml")
def feed():
    return atom_response(
        _l("Diary"),
        published_posts(DiaryEntry, limit=FEED_LENGTH),
        "diary.feed",
        url_for("diary.index", _external=True),
    )


# Every entry address works with and without its slug: /diary/12 and /diary/12-제목.
@bp.get("/<int:post_id>", defaults={"slug": ""})
@bp.get("/<int:post_id>-<slug>")
def detail(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    if slug != entry.slug:
        return canonical_redirect(entry)
    return entry_page(entry)


@bp.post("/<int:post_id>/comments", defaults={"slug": ""})
@bp.post("/<int:post_id>-<slug>/comments")
@csrf.exempt  # checked by origin instead of a session token: see forms.CommentForm
def comment(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    answer = send_comment(entry)
    return answer.redirect or entry_page(entry, answer.form, answer.status)


@bp.post("/<int:post_id>/like", defaults={"slug": ""})
@bp.post("/<int:post_id>-<slug>/like")
@csrf.exempt  # no session, so no token: refused from other sites by origin (reactions/pages.py)
def like(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    answer = send_like(entry)
    return answer.response or entry_page(entry, status=answer.status, likes=answer.likes)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@takes_photos
def create():
    return editor_response(
        DiaryForm(), DiaryEntry(), "diary/edit.html", exercise_kinds=exercise_suggestions()
    )


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"], defaults={"slug": ""})
@bp.route("/<int:post_id>-<slug>/edit", methods=["GET", "POST"])
@login_required
@takes_photos
def edit(post_id: int, slug: str):
    entry = get_visible_or_404(DiaryEntry, post_id)
    return editor_response(
        DiaryForm(), entry, "diary/edit.html", exercise_kinds=exercise_suggestions()
    )


@bp.route("/<int:post_id>/delete", methods=["GET", "POST"], defaults={"slug": ""})
@bp.route("/<int:post_id>-<slug>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int, slug: str):
    return delete_response(get_visible_or_404(DiaryEntry, post_id), "diary.index")


def owner_only_or_404() -> None:
    """The owner's numbers: anyone else is told there is nothing here, not to log in."""
    if not owner_signed_in():
        abort(404)


@bp.get("/metrics")
def metrics():
    owner_only_or_404()
    today = site_today()
    try:
        period = numbers.requested_period(request.args, today)
    except numbers.PeriodError as refusal:
        return render_template("diary/metrics.html", refusal=refusal, period=None), 400
    found = numbers.trends(period, today)
    return render_template(
        "diary/metrics.html",
        period=period,
        trends=found,
        charts=charts.trend_charts(found),
        streak=numbers.exercise_streak(today),
    )


@bp.get("/metrics.csv")
def metrics_csv():
    owner_only_or_404()
    return download(
        stream_with_context(numbers.csv_chunks()), "text/csv", numbers.csv_filename(site_today())
    )
