"""Looking up posts as a given visitor may see them, their URLs, and the shared save,
delete and comment flows of the sections."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload, with_polymorphic

from . import search
from .comments import Outcome, comments_open, receive
from .extensions import db
from .forms import CommentForm
from .inputs import page_number, requested_page
from .models import Comment, Commentary, CommentStatus, Post, utcnow
from .origin import sent_from_another_site

# Each section's blueprint, by post kind; the commentary section adds itself here.
SECTION_ENDPOINTS = {"diary": "diary", "commentary": "commentary"}


def owner_signed_in() -> bool:
    return current_user.is_authenticated


def visible_posts(model=Post):
    """A select of the posts of `model` that the current visitor may see, newest first."""
    return (
        db.select(model)
        .where(model.visible_to(owner_signed_in()))
        .order_by(model.published_at.desc().nulls_first(), model.id.desc())
    )


def get_visible_or_404(model, post_id: int):
    """The post if it exists and this visitor may see it; 404 otherwise, never 403."""
    post = db.session.get(model, post_id)
    if post is None or post.deleted_at or not (owner_signed_in() or post.is_published):
        abort(404)
    return post


def post_url(post: Post, action: str = "detail", **values) -> str:
    endpoint = f"{SECTION_ENDPOINTS[post.kind]}.{action}"
    return url_for(endpoint, post_id=post.id, slug=post.slug, **values)


def editor_response(form, post: Post, template: str, **context):
    """The create/edit flow every section shares.

    Preview re-shows the form with the rendered text; a failed validation re-shows everything
    typed (400); a save from a form loaded before the last save answers 409 with the newer
    saved post beside the typed text; a good save commits once and redirects (303) to the post.
    """
    is_new = post.id is None
    status = 200
    if form.is_submitted():
        if form.edit_structure(request.form):
            return render_template(template, form=form, post=post, **context), status
        valid = form.validate()
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
            form.apply_to(post)
            db.session.add(post)
            db.session.flush()  # the post has its id and blocks before the index is updated
            post.keep_revision()
            search.index_post(post)
            url = post_url(post)  # now: the commit expires the post, reading it would reload it
            db.session.commit()
            flash(_("Saved."), "saved")
            return redirect(url, code=303)
    elif not is_new:
        form.load(post)
    return render_template(template, form=form, post=post, **context), status


TRASH_DAYS = 30


def delete_response(post: Post, index_endpoint: str):
    """Ask first (GET); on POST move the post to the trash, then go back to the list."""
    if request.method == "POST":
        move_to_trash(post)
        db.session.commit()
        flash(
            _(
                "The post is in the trash. You can restore it there for %(days)d days.",
                days=TRASH_DAYS,
            ),
            "success",
        )
        return redirect(url_for(index_endpoint), code=303)
    return render_template("confirm_delete.html", post=post, trash_days=TRASH_DAYS)


def move_to_trash(post: Post) -> None:
    post.deleted_at = utcnow()
    search.remove_post(post.id)
    empty_old_trash()


def restore_from_trash(post: Post) -> None:
    post.deleted_at = None
    search.index_post(post)


def empty_old_trash() -> int:
    """Delete for good what has been in the trash longer than TRASH_DAYS (no job runner:
    this runs whenever something is trashed or the trash is looked at)."""
    expired = db.session.scalars(
        db.select(Post).where(Post.deleted_at < utcnow() - timedelta(days=TRASH_DAYS))
    ).all()
    for post in expired:
        db.session.delete(post)
    return len(expired)


def post_route(bp, rule: str, **options):
    """Register a view under a post's URL with and without its slug (`/12`, `/12-제목`)."""

    def decorator(view):
        bp.add_url_rule(f"/<int:post_id>{rule}", view_func=view, defaults={"slug": ""}, **options)
        bp.add_url_rule(f"/<int:post_id>-<slug>{rule}", view_func=view, **options)
        return view

    return decorator


def paginate_visible(model):
    return db.paginate(
        visible_posts(model),
        page=page_number(),
        per_page=current_app.config["POSTS_PER_PAGE"],
    )


def visible_comments(post: Post) -> list[Comment]:
    """Top-level comments with their replies, oldest first: approved and not secret for
    visitors; everything but spam for the owner."""
    query = (
        db.select(Comment)
        .where(Comment.post_id == post.id, Comment.parent_id.is_(None))
        .options(selectinload(Comment.replies), selectinload(Comment.block))
        .order_by(Comment.created_at, Comment.id)
    )
    if owner_signed_in():
        query = query.where(Comment.status != CommentStatus.SPAM)
    else:
        query = query.where(Comment.public())
    return list(db.session.scalars(query))


def post_page(post: Post, template: str, comment_form=None, status: int = 200, **context):
    """A post's page with its comments and, where comments are open, the comment form."""
    if comment_form is None and not owner_signed_in():
        comment_form = CommentForm(post, block=request.args.get("comment_on", ""))
    newer, older = neighbours(post)
    return render_template(
        template,
        post=post,
        newer=newer,
        older=older,
        comments=visible_comments(post),
        comment_form=comment_form,
        comments_open=comments_open(post),
        **context,
    ), status


def comment_response(post: Post, render_page):
    """A reader sends a comment: held for approval, or re-shown with a clear message."""
    if sent_from_another_site():
        abort(403)
    if not comments_open(post):
        abort(403)
    form = CommentForm(post)
    if not form.validate():
        flash(_("Your comment was not sent: please fix the marked fields."), "error")
        return render_page(post, form, 400)
    if receive(post, form, request.remote_addr) is Outcome.RATE_LIMITED:
        flash(
            _(
                "You sent several comments just now. Please wait a few minutes; your text "
                "is kept below."
            ),
            "error",
        )
        return render_page(post, form, 429)
    db.session.commit()
    flash(_("Thank you! Your comment will appear once the owner approves it."), "comment-sent")
    return redirect(post_url(post, _anchor="comments"), code=303)


# The query keys a post page reads: study mode (commentary) and the quote to comment on.
POST_PAGE_QUERY = ("study", "comment_on")


def canonical_redirect(post: Post):
    """A post reached by its id with another (or no) slug: a permanent redirect to its URL,
    keeping only the query the page reads (any other key would reach `url_for` as one of its
    own arguments: `post`, `action`, `_method`, `_scheme`...)."""
    query = {key: request.args[key] for key in POST_PAGE_QUERY if key in request.args}
    return redirect(post_url(post, **query), code=301)


def published_posts(model=Post, limit: int | None = None, tag=None):
    """Public, published posts newest first, whoever asks: what feeds and the sitemap show.
    Commentary blocks are loaded with them (one more query, not one per post)."""
    if model is Post:
        entity = with_polymorphic(Post, [Commentary])
        query = db.select(entity).options(selectinload(entity.Commentary.blocks))
    else:
        entity = model
        query = db.select(model)
        if model is Commentary:
            query = query.options(selectinload(Commentary.blocks))
    query = query.where(entity.published()).order_by(entity.published_at.desc(), entity.id.desc())
    if tag is not None:
        query = query.where(entity.tags.contains(tag))
    return list(db.session.scalars(query.limit(limit)))


def neighbours(post: Post) -> tuple[Post | None, Post | None]:
    """The section's next newer and next older post this visitor may see."""
    model = type(post)
    visible = model.visible_to(owner_signed_in())
    if post.published_at is None:
        return None, None
    newer = db.session.scalar(
        db.select(model)
        .where(visible, model.published_at > post.published_at)
        .order_by(model.published_at.asc())
        .limit(1)
    )
    older = db.session.scalar(
        db.select(model)
        .where(visible, model.published_at < post.published_at)
        .order_by(model.published_at.desc())
        .limit(1)
    )
    return newer, older


def canonical_url() -> str:
    """This page's address without its query, except the page number of a list."""
    if request.endpoint is None or request.url_rule is None:
        return request.base_url
    values = dict(request.view_args or {})
    page = requested_page() or 1
    if page > 1:
        values["page"] = page
    return url_for(request.endpoint, _external=True, **values)
