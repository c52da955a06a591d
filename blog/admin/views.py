"""The owner's desk views: posts, trash, revisions, photos, the owner's data, the comment
queue, replies, settings, readers' views, and the import of old plain-text posts."""

import json
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from .. import revisions as revision_rules
from ..auth.safe_next import safe_next_path
from ..comments import moderation
from ..diary import earlier_years
from ..errors import database_unavailable, error_page
from ..extensions import db
from ..forms import TOO_LARGE
from ..inputs import fields_before_the_files, page_number, parse_bounded_int
from ..media import library as photos
from ..models import (
    Comment,
    Commentary,
    CommentStatus,
    DiaryEntry,
    Photo,
    Post,
    Revision,
    Visibility,
    utcnow,
)
from ..notify.feed import feed_key, new_feed_key
from ..notify.mail import mail_enabled
from ..origin import proven_from_this_site
from ..portability import export
from ..portability.import_text import save_as_drafts
from ..posts import saving
from ..posts.queries import page_of_posts
from ..posts.saving import TRASH_DAYS
from ..posts.urls import post_url
from ..reactions.likes import like_counts
from ..rendering import TooLargeToRender
from ..site_settings import get_settings, save_settings
from ..stats import queries as view_stats
from ..stats.charts import views_chart
from . import importing
from .forms import ImportForm, ReplyForm, SettingsForm

bp = Blueprint("admin", __name__)

SECTIONS = {"diary": DiaryEntry, "commentary": Commentary}
STATES = ("draft", "scheduled", "private", "public")


@bp.before_request
@login_required
def owner_only():
    """Every page here is the owner's."""


def _state_condition(state: str):
    now = utcnow()
    if state == "scheduled":
        return (Post.visibility == Visibility.PUBLIC) & (Post.published_at > now)
    if state == "public":
        return Post.published(now)
    return Post.visibility == Visibility(state)


@bp.get("/")
def index():
    section, state = request.args.get("section", ""), request.args.get("state", "")
    # A visibility always named, so the count reads ix_post_listing (not every post's row).
    conditions = [Post.deleted_at.is_(None)]
    if section in SECTIONS:
        conditions.append(Post.kind == section)
    if state in STATES:
        conditions.append(_state_condition(state))
    else:
        conditions.append(Post.visibility.in_(list(Visibility)))
    page = page_of_posts(Post, conditions, per_page=30, owner=True)
    pending = dict(
        db.session.execute(
            db.select(Comment.post_id, db.func.count())
            .where(
                Comment.status == CommentStatus.PENDING,
                Comment.post_id.in_([post.id for post in page.items]),
            )
            .group_by(Comment.post_id)
        ).all()
    )
    return render_template(
        "admin/index.html",
        page=page,
        earlier=earlier_years.on_this_day() if page.page == 1 else [],
        actions={post.id: _quick_actions(post) for post in page.items},
        pending=pending,
        likes=like_counts([post.id for post in page.items]),
        section=section,
        state=state,
        sections=SECTIONS,
        states=STATES,
    )


# The desk's quick actions, each one of the save path's.
POST_ACTIONS = {
    "publish": saving.publish_now,
    "private": saving.make_private,
    "comments-off": lambda post: saving.switch_comments(post, False),
    "comments-on": lambda post: saving.switch_comments(post, True),
}


def _quick_actions(post: Post) -> list[str]:
    """The quick actions that would change something for this post. A draft has no readers
    yet: it can only be published (once there is something to publish), not hidden or have
    its comments switched."""
    actions = []
    if post.state != "public" and post.publishable:
        actions.append("publish")
    if post.state != "draft":
        if post.state != "private":
            actions.append("private")
        actions.append("comments-off" if post.comments_enabled else "comments-on")
    return actions


@bp.post("/posts/<int:post_id>/<action>")
def post_action(post_id: int, action: str):
    post = db.get_or_404(Post, post_id)
    if action not in POST_ACTIONS:
        abort(404)
    if action == "publish" and not post.publishable:
        flash(_("Nothing was published: a commentary needs at least one quote."), "error")
    else:
        POST_ACTIONS[action](post)
        db.session.commit()
        flash(_("Done."), "success")
    back = safe_next_path(request.form.get("back")) or ""
    return redirect(back if back.startswith("/admin/") else url_for("admin.index"), code=303)


@bp.get("/trash")
def trash():
    # Reads never write: what has waited too long is deleted with the next change to the
    # trash (saving.empty_old_trash), and not shown meanwhile.
    posts = db.session.scalars(
        db.select(Post)
        .where(Post.deleted_at >= utcnow() - timedelta(days=TRASH_DAYS))
        .order_by(Post.deleted_at.desc())
    ).all()
    return render_template("admin/trash.html", posts=posts, trash_days=TRASH_DAYS)


@bp.post("/trash/<int:post_id>/restore")
def restore(post_id: int):
    post = db.get_or_404(Post, post_id)
    saving.restore_from_trash(post)
    db.session.commit()
    flash(_("The post is back where it was."), "success")
    return redirect(url_for("admin.trash"), code=303)


@bp.post("/trash/<int:post_id>/delete")
def delete_forever(post_id: int):
    post = db.get_or_404(Post, post_id)
    if post.deleted_at is None:
        abort(404)  # only what is in the trash can be deleted for good
    saving.delete_forever(post)
    db.session.commit()
    flash(_("The post is deleted for good."), "success")
    return redirect(url_for("admin.trash"), code=303)


def _post_for_revisions(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    if post.deleted_at is not None:
        abort(404)
    return post


@bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    post = _post_for_revisions(post_id)
    chosen = {revision.id: revision for revision in post.revisions}
    newer = chosen.get(request.args.get("b", type=int))
    older = chosen.get(request.args.get("a", type=int))
    if newer is None and post.revisions:
        newer = post.revisions[0]
    if older is None and len(post.revisions) > 1:
        older = post.revisions[1] if newer is post.revisions[0] else post.revisions[-1]
    changes = revision_rules.diff(older, newer) if older and newer else []
    return render_template(
        "admin/revisions.html", post=post, older=older, newer=newer, changes=changes
    )


@bp.post("/posts/<int:post_id>/revisions/<int:revision_id>/restore")
def restore_revision(post_id: int, revision_id: int):
    post = _post_for_revisions(post_id)
    revision = db.get_or_404(Revision, revision_id)
    if revision.post_id != post.id:
        abort(404)
    try:
        saving.restore_revision(post, revision)
    except revision_rules.SnapshotRefused as error:
        flash(
            _(
                "Nothing changed: version %(version)d breaks the editor's rules (%(problems)s).",
                version=revision.version,
                problems=error,
            ),
            "error",
        )
        return redirect(url_for("admin.revisions", post_id=post.id), code=303)
    db.session.commit()
    flash(
        _("Version %(version)d is back, saved as a new version.", version=revision.version),
        "success",
    )
    return redirect(post_url(post), code=303)


@bp.get("/media")
def media():
    return _media_page()


def _media_page(status: int = 200):
    """Every photo, those no post shows first (the soonest removed first), each with the
    posts that show it, or since when none does and when it will be removed."""
    page = db.paginate(
        db.select(Photo).order_by(
            Photo.unused_since.asc().nulls_last(), Photo.created_at.desc(), Photo.id.desc()
        ),
        page=page_number(),
        per_page=50,
    )
    removal = {
        photo.id: photo.unused_since + timedelta(days=TRASH_DAYS)
        for photo in page.items
        if photo.unused_since is not None
    }
    return render_template(
        "admin/media.html",
        page=page,
        shown_in=photos.posts_showing([photo.id for photo in page.items]),
        removal=removal,
        trash_days=TRASH_DAYS,
    ), status


@bp.post("/media/<int:photo_id>/delete")
def delete_photo(photo_id: int):
    """Remove a photo no post shows (its files go once this is committed); one a post shows,
    in the trash too, stays (409)."""
    photo = db.get_or_404(Photo, photo_id)
    if photo.unused_since is None:
        flash(_("A post shows this photo (a post in the trash too): nothing was deleted."), "error")
        return _media_page(status=409)
    photos.delete_photo(photo)
    saving.empty_old_trash()
    db.session.commit()
    flash(_("The photo is deleted."), "success")
    return redirect(url_for("admin.media"), code=303)


@bp.get("/export")
def export_page():
    photo_count, photo_bytes = photos.usage_counts()
    return render_template(
        "admin/export.html", photo_count=photo_count, photo_megabytes=photo_bytes / 1_000_000
    )


@bp.get("/export/site.zip")
def export_zip():
    """Everything, with every photo's original: made while it is sent (export.site_zip), so
    the worker holds at most one photo at a time."""
    document = export.export_document()
    missing = export.missing_originals(document)
    if missing:
        flash(
            _(
                "The zip was not made: the media folder has no original file for %(count)d "
                "photos (%(digests)s). The JSON download still works.",
                count=len(missing),
                digests=", ".join(missing),
            ),
            "error",
        )
        return redirect(url_for("admin.export_page"), code=303)
    return _download(
        stream_with_context(export.site_zip(document)), "application/zip", "zip", "blog-site"
    )


@bp.get("/export/site.json")
def export_json():
    body = json.dumps(export.export_document(), ensure_ascii=False, indent=1)
    return _download(body.encode(), "application/json", "json")


@bp.get("/export/markdown.zip")
def export_markdown():
    return _download(export.markdown_zip(), "application/zip", "zip")


def _download(
    data: bytes | Iterable[bytes], mimetype: str, extension: str, name: str = "blog"
) -> Response:
    filename = f"{name}-{utcnow():%Y%m%d-%H%M}.{extension}"
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # the owner's data: no copy in any cache
        },
    )


@bp.route("/comments", methods=["GET", "POST"])
def comments():
    status = request.args.get("status", CommentStatus.PENDING.value)
    if status not in {s.value for s in CommentStatus}:
        abort(404)
    if request.method == "POST":
        action, ids = _chosen_moderation()
        if action not in moderation.MODERATION_ACTIONS or not ids:
            flash(_("Choose comments and an action."), "error")
        else:
            count = moderation.moderate(ids, action)
            db.session.commit()
            flash(_("%(count)d comments changed.", count=count), "success")
        return redirect(url_for("admin.comments", status=status), code=303)
    query = (
        db.select(Comment)
        .where(Comment.status == CommentStatus(status), Comment.by_owner.is_(False))
        .options(selectinload(Comment.post), selectinload(Comment.block))
        .order_by(Comment.created_at.desc())
    )
    page = db.paginate(query, page=page_number(), per_page=50)
    counts = dict(
        db.session.execute(
            db.select(Comment.status, db.func.count())
            .where(Comment.by_owner.is_(False))
            .group_by(Comment.status)
        ).all()
    )
    return render_template("admin/comments.html", page=page, status=status, counts=counts)


def _chosen_moderation() -> tuple[str, list[int]]:
    """The bulk form (`action` + checked `ids`) or a row's own button (`one=action:id`)."""
    if "one" in request.form:
        action, _, comment_id = request.form["one"].partition(":")
        return action, _comment_ids([comment_id])
    return request.form.get("action", ""), _comment_ids(request.form.getlist("ids"))


def _comment_ids(values: list[str]) -> list[int]:
    """The values that can be comment ids (others could not even be queried)."""
    return [number for number in map(parse_bounded_int, values) if number is not None]


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    form = ReplyForm()
    if form.validate_on_submit():
        moderation.owner_reply(comment, current_app.config["OWNER_DISPLAY_NAME"], form.body.data)
        db.session.commit()
        flash(_("Your reply is published with the comment."), "success")
        return redirect(url_for("admin.comments", status="approved"), code=303)
    return render_template("admin/reply.html", comment=comment, form=form), (
        400 if form.errors else 200
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm(data=get_settings())
    if form.validate_on_submit():
        save_settings({name: str(form[name].data) for name in get_settings()})
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.settings"), code=303)
    return render_template(
        "admin/settings.html", form=form, mail_on=mail_enabled(current_app), feed_key=feed_key()
    ), (400 if form.errors else 200)


@bp.post("/settings/moderation-feed")
def new_moderation_feed():
    """A new secret address for the moderation queue's feed; the old one stops working."""
    new_feed_key()
    db.session.commit()
    flash(_("The feed has a new address; the old one no longer works."), "success")
    return redirect(url_for("admin.settings", _anchor="moderation-feed"), code=303)


@bp.get("/stats")
def stats():
    """Readers' views of every post: totals, the most read, views a day, where readers came
    from (blog/stats; the last interval's counts are still in the workers' memory)."""
    month = view_stats.Period.last_days(view_stats.MONTH)
    days = view_stats.views_by_day(month)
    return render_template(
        "admin/stats.html",
        totals=view_stats.totals(),
        week_top=view_stats.most_read(view_stats.Period.last_days(view_stats.WEEK)),
        month_top=view_stats.most_read(month),
        days=days,
        chart=views_chart(days),
        sources=view_stats.referrers(month),
        month=month,
    )


@bp.get("/stats/<int:post_id>")
def post_stats(post_id: int):
    """One post's views a day over the last 30 days, its totals and its referrers."""
    post = db.get_or_404(Post, post_id)
    month = view_stats.Period.last_days(view_stats.MONTH)
    days = view_stats.views_by_day(month, post_id)
    return render_template(
        "admin/post_stats.html",
        post=post,
        totals=view_stats.totals(post_id),
        days=days,
        chart=views_chart(days),
        sources=view_stats.referrers(month, post_id),
        month=month,
    )


@bp.app_context_processor
def owner_counts():
    """The pending-comment count in the owner's navigation (no query for visitors)."""
    if current_user.is_authenticated and not database_unavailable():
        return {"pending_comments": moderation.pending_count()}
    return {}


# Why a line was left out, by the importer's reason key.
REASONS = {
    "no_headline": _l("A 기사제목: line without a headline."),
    "headline_too_long": _l("The headline is too long; it was cut."),
    "translation_without_quote": _l("A translation with no English quote above it."),
    "second_translation": _l("A second translation for the same quote."),
    "korean_before_quote": _l("Korean text before the first quote of the commentary."),
    "unplaced": _l("Belongs to no quote, translation, opinion or summary."),
    "date_without_post": _l("A date with no post after it."),
}


FILE_NOT_READ = _l("The file was not read (see the file field below). What you typed is kept.")


@bp.route("/import", methods=["GET", "POST"])
def import_text():
    """Preview shows the posts read from the text or file, each with its date and what else
    saving needs to know; save makes them drafts (PRG).

    Everything typed is shown again unless the save succeeded. Saving needs the owner's word
    wherever the preview asks: lines that fit nowhere, posts that look like posts already on
    the site, lines that could be read two ways; a text changed since its preview is
    previewed again first.
    """
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=400 if form.errors else 200)
    read_as = importing.read_file(form)
    if form.file.errors:
        flash(FILE_NOT_READ, "error")
        return _import_page(form, status=400)
    reading = importing.Reading(form.text.data, request.form)
    if not reading.posts:
        flash(_("No post could be read from this text. Nothing was saved."), "error")
        return _import_page(form, status=400)
    if reading.field_count > current_app.config["MAX_FORM_PARTS"] - IMPORT_FORM_FIELDS:
        flash(
            _(
                "This text holds %(count)d posts: too many to preview at once. Import it in "
                "a few parts.",
                count=len(reading.posts),
            ),
            "error",
        )
        return _import_page(form, status=400)
    changed = bool(form.previewed.data) and form.previewed.data != reading.digest
    form.previewed.data = reading.digest
    page = partial(_import_page, form, reading, read_as=read_as)
    if not form.save.data:
        return page(status=200 if reading.valid else 400)
    refusal = _why_not_saved(form, reading, changed)
    if refusal:
        flash(refusal, "error")
        return page(status=400)
    try:
        posts = save_as_drafts(reading.posts_to_save())
    except TooLargeToRender as error:  # the editors' bound on one post's Markdown
        db.session.rollback()
        form.text.errors.append(TOO_LARGE[error.kind])
        flash(_("Nothing was saved: please fix the marked fields."), "error")
        return page(status=400)
    db.session.commit()
    flash(
        _("%(count)d drafts saved. Edit them to finish and publish.", count=len(posts)),
        "success",
    )
    return redirect(url_for("admin.index", state="draft"), code=303)


def _why_not_saved(form: ImportForm, reading: importing.Reading, changed: bool) -> str | None:
    """What keeps the previewed posts from being saved as they are (the fields concerned are
    marked), or None."""
    if changed:
        return _(
            "The text changed after its preview. Nothing was saved: check it below, then save."
        )
    if not reading.valid:
        return _("Nothing was saved: please fix the marked fields.")
    unanswered = reading.mark_unanswered()
    if unanswered:
        return _(
            "Nothing was saved: %(count)d choices below are still to be made.", count=unanswered
        )
    if reading.result.unclassified and not form.keep_going.data:
        return _(
            "Nothing was saved: some lines could not be placed (listed below). "
            "Fix them in the text, or choose to save without them."
        )
    if not reading.posts_to_save():
        return _("Every post is skipped: nothing was saved.")
    return None


# The import form's own fields (token, text, file, the hidden digest, a checkbox, buttons),
# with room to spare, besides the preview's fields for each post (MAX_FORM_PARTS).
IMPORT_FORM_FIELDS = 20


def _import_page(form, reading=None, status=200, read_as=None):
    return render_template(
        "admin/import.html", form=form, reading=reading, read_as=read_as, reasons=REASONS
    ), status


@bp.errorhandler(RequestEntityTooLarge)
def import_too_large(error):
    """A file too large to import: the import page again, with everything typed above the
    file field. Any other refused body gets the site's 413 page."""
    refused_unread = (request.content_length or 0) > (request.max_content_length or 0)
    if not (
        request.endpoint == "admin.import_text"
        and refused_unread
        and current_user.is_authenticated
        and proven_from_this_site()
    ):
        return error_page(413)
    formdata = fields_before_the_files(current_app.config["MAX_CONTENT_LENGTH"])
    if "text" not in formdata:
        return error_page(413)
    form = ImportForm(formdata=formdata)
    flash(FILE_NOT_READ, "error")
    form.file.errors = [
        _(
            "This file is too large: a file to import may have at most %(size)s MB.",
            size=f"{current_app.config['MAX_CONTENT_LENGTH'] / 2**20:.1f}",
        )
    ]
    reading = importing.Reading(form.text.data, formdata) if form.text.data.strip() else None
    return _import_page(form, reading if reading and reading.posts else None, status=413)
