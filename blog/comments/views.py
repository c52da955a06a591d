"""The commenter's own page, `/comments/<token>`: their comment in any state, the owner's reply,
and, while it waits, forms to change or delete it.

The token in the address is the writer's only credential: the forms carry no session and no
CSRF token (nothing a browser holds is used, so a forged POST would need the address, which
is the secret itself), and posts from other sites are refused by the browser's own headers, as
the comment form's are. Every answer here is private: never stored by the page cache
(pagecache.reusable_request) or any other cache, never sent as a referrer (the links on the
page would carry the token), never indexed.
"""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import refused_from_another_site
from ..extensions import csrf, db
from ..forms import CommentTextForm
from ..origin import sent_from_another_site
from .follow import Change, delete_own, edit_own, own_comment, waiting

bp = Blueprint("comments", __name__, url_prefix="/comments")

RATE_LIMITED = 429


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def own_comment_or_404(token: str):
    """The comment, or the site's ordinary 404 whatever is wrong with the token."""
    comment = own_comment(token)
    if comment is None:
        abort(404)
    return comment


def own_page(comment, token: str, form=None, status: int = 200, message=None, **context):
    if form is None and waiting(comment):
        form = CommentTextForm(obj=comment)
    return render_template(
        "comments/mine.html",
        comment=comment,
        token=token,
        form=form,
        message=message,
        replies=[reply for reply in comment.replies if reply.by_owner],
        **context,
    ), status


@bp.get("/<token>")
def mine(token: str):
    comment = own_comment_or_404(token)
    return own_page(
        comment, token, just_sent="sent" in request.args, just_saved="saved" in request.args
    )


@bp.post("/<token>/edit")
@csrf.exempt  # the token in the address is the secret; see the module's docstring
def edit_mine(token: str):
    if sent_from_another_site():
        return refused_from_another_site()
    comment = own_comment_or_404(token)
    form = CommentTextForm()
    if not waiting(comment):
        message = _("Your comment has been approved: it can no longer be changed.")
        return own_page(comment, token, form=form, status=409, message=message)
    if not form.validate():
        message = _("Nothing was changed: please fix the marked fields.")
        return own_page(comment, token, form=form, status=400, message=message)
    if edit_own(comment, form.name.data, form.body.data, request.remote_addr) is not Change.DONE:
        return own_page(comment, token, form=form, status=RATE_LIMITED, message=_too_many())
    db.session.commit()
    return redirect(url_for("comments.mine", token=token, saved=1), code=303)


@bp.post("/<token>/delete")
@csrf.exempt  # as edit_mine
def delete_mine(token: str):
    if sent_from_another_site():
        return refused_from_another_site()
    comment = own_comment_or_404(token)
    if not request.form.get("confirm"):
        message = _("Tick the box first to confirm that you want to delete your comment.")
        return own_page(comment, token, status=400, message=message, confirm_missing=True)
    if delete_own(comment, request.remote_addr) is not Change.DONE:
        return own_page(comment, token, status=RATE_LIMITED, message=_too_many())
    db.session.commit()
    return redirect(url_for("comments.deleted"), code=303)


@bp.get("/deleted")
def deleted():
    return render_template("comments/deleted.html")


def _too_many() -> str:
    return _(
        "You sent or changed several comments just now. Please wait a few minutes and try "
        "again; nothing you typed is lost."
    )
