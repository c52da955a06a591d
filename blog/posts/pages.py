"""The pages every section's views share: the editor, a post's page with its comments, a
reader's comment, and deleting."""

import functools
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import pagecache
from ..comments.moderation import Outcome, comments_open, receive
from ..comments.tokens import new_token
from ..extensions import db
from ..forms import CommentForm
from ..media.library import add_photo
from ..media.processing import PhotoRefused
from ..models import Post, Visibility
from ..origin import sent_from_another_site
from ..reactions.pages import likes_shown
from . import saving
from .queries import approved_by_quote, neighbours, owner_signed_in, visible_comments
from .urls import post_url


def editor_response(form, post: Post, template: str, fill_in=None, **context):
    """The create/edit flow every section shares.

    Preview re-shows the form with the rendered text; a failed validation re-shows everything
    typed (400); a save from a form loaded before the last save answers 409 with the newer
    saved post beside the typed text; a good save commits once and redirects (303) to the post.
    `fill_in(form)`, for a section whose editor has a button that fills fields in from
    elsewhere (a commentary's article page), gives the status to show the form again with
    when that button was pressed, else None.
    """
    is_new = post.id is None
    status = 200
    form.editor_for(post)
    if form.is_submitted():
        if form.edit_structure(request.form):
            return render_template(template, form=form, post=post, **context), status
        if form.upload_image.data:
            status = _upload_photos(form)
            return render_template(template, form=form, post=post, **context), status
        filled = fill_in(form) if fill_in else None
        if filled is not None:
            return render_template(template, form=form, post=post, **context), filled
        valid = form.validate_for_editor()
        if form.preview.data:
            context["preview"] = True
        elif not valid:
            status = 400
            flash(_("Nothing was saved: please fix the marked fields."), "error")
            for message in form.form_errors:
                flash(message, "error")
        elif not is_new and form.is_stale_for(post):
            status = 409
            context["newer"] = post
            flash(
                _(
                    "This post was saved elsewhere after you opened this page. Nothing was "
                    "overwritten: compare with the newer text below, then save again."
                ),
                "error",
            )
            form.version.data = str(post.version)
        else:
            was_public = post.visibility == Visibility.PUBLIC
            form.apply_to(post)
            saving.save(post)
            # Now: the commit expires the post, reading it would reload it.
            url, message = post_url(post), _saved_message(post, was_public)
            db.session.commit()
            flash(message, "saved")
            return redirect(url, code=303)
    elif not is_new:
        form.load(post)
    return render_template(template, form=form, post=post, **context), status


def takes_photos(view):
    """An editor's view: its form may carry photos (the `image` field), so its body may be
    as large as MEDIA_MAX_FILES_PER_UPLOAD photos besides the text. Under login_required, so
    only the owner's requests are let this large."""

    @functools.wraps(view)
    def with_room_for_photos(*args, **kwargs):
        config = current_app.config
        request.max_content_length = (
            config["MAX_CONTENT_LENGTH"]
            + config["MEDIA_MAX_FILES_PER_UPLOAD"] * config["MEDIA_MAX_BYTES"]
        )
        return view(*args, **kwargs)

    return with_room_for_photos


def _upload_photos(form) -> int:
    """The editor's upload without JavaScript: each photo chosen stored and inserted at the
    end of the form's photo field, the form shown again with everything typed. Refused files
    are named at the file field; the status is 413 when one was too large, 400 when any other
    was refused."""
    files = [file for file in form.image.data or [] if file and file.filename]
    limit = current_app.config["MEDIA_MAX_BYTES"]
    status, added = 200, []
    form.image.errors = list(form.image.errors)  # a tuple until the form is validated
    if not files:
        form.image.errors.append(_("Choose one or more photos first."))
        return 400
    if len(files) > current_app.config["MEDIA_MAX_FILES_PER_UPLOAD"]:
        form.image.errors.append(
            _(
                "Upload at most %(count)d photos at once.",
                count=current_app.config["MEDIA_MAX_FILES_PER_UPLOAD"],
            )
        )
        return 400
    for file in files:
        data = file.read(limit + 1)
        try:
            added.append(add_photo(data).name)
        except PhotoRefused as refusal:
            form.image.errors.append(f"{file.filename}: {refusal.message}")
            status = 413 if len(data) > limit else max(status, 400)
    if added:
        db.session.commit()
        form.insert_photos(added)
        flash(
            _(
                "%(count)d photos added at the end of the text. Write what each shows between "
                "its brackets: ![…](…).",
                count=len(added),
            ),
            "success",  # not "saved": nothing is saved yet, the browser's copy must stay
        )
    return status


def _saved_message(post: Post, was_public: bool) -> str:
    """What a save made of the post, said plainly: whether readers can see it, and when."""
    if post.state == "draft":
        return _("Saved as a draft: only you can see it.")
    if post.state == "private":
        return _("Saved as private: only you can see it.")
    if post.state == "scheduled":
        return _(
            "Scheduled: readers will see it from %(time)s.",
            time=format_datetime(post.published_at, "short"),
        )
    return _("Saved.") if was_public else _("Published: readers can see it now.")


def delete_response(post: Post, index_endpoint: str):
    """Ask first (GET); on POST move the post to the trash, then go back to the list."""
    if request.method == "POST":
        saving.trash(post)
        db.session.commit()
        flash(
            _(
                "The post is in the trash. You can restore it there for %(days)d days.",
                days=saving.TRASH_DAYS,
            ),
            "success",
        )
        return redirect(url_for(index_endpoint), code=303)
    return render_template("confirm_delete.html", post=post, trash_days=saving.TRASH_DAYS)


def post_page(post: Post, template: str, comment_form=None, status: int = 200, **context):
    """A post's page with its 공감 count, its comments and, where comments are open, the
    comment form."""
    pagecache.page_shows_post(post.id)
    if comment_form is None and not owner_signed_in():
        comment_form = CommentForm(post, block=request.args.get("comment_on", ""))
        pagecache.page_has_comment_timer(post.id, comment_form.started.data)
    if context.get("likes") is None:
        context["likes"] = likes_shown(post)
    newer, older = neighbours(post)
    comments = visible_comments(post)
    return render_template(
        template,
        post=post,
        newer=newer,
        older=older,
        comments=comments,
        quote_comments=approved_by_quote(comments),
        comment_form=comment_form,
        comments_open=comments_open(post),
        **context,
    ), status


@dataclass
class CommentAnswer:
    """What a reader's comment came to: `redirect` once it is held for approval, or else
    the `form` to show again on the post's page with `status`."""

    redirect: Response | None = None
    form: CommentForm | None = None
    status: int = 200


def send_comment(post: Post) -> CommentAnswer:
    """A reader sends a comment: held for approval, the reader then taken to their own page
    for it (comments.follow), or the form shown again with a message. Nothing of it sets a
    cookie: the messages are the form's own (CommentForm.message), not flashed in a session."""
    if sent_from_another_site() or not comments_open(post):
        abort(403)
    form = CommentForm(post)
    # Refusals are shown in the form, which the answer opens at (its action's #comment-form).
    if not form.validate():
        form.message = _("Your comment was not sent: please fix the marked fields.")
        return CommentAnswer(form=form, status=400)
    # A comment the honeypot drops gets an address like any other, which leads nowhere.
    token = new_token()
    if receive(post, form, request.remote_addr, token=token) is Outcome.RATE_LIMITED:
        form.message = _(
            "You sent several comments just now. Please wait a few minutes; your text "
            "is kept below."
        )
        return CommentAnswer(form=form, status=429)
    db.session.commit()
    # With its own fragment: the browser would keep the form action's (#comment-form).
    own_page = url_for("comments.mine", token=token, sent=1, _anchor="your-comment")
    return CommentAnswer(redirect=redirect(own_page, code=303))
