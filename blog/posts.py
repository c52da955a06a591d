"""Looking up posts as a given visitor may see them, and their URLs."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .extensions import db
from .models import Post

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
    if post is None or not (owner_signed_in() or post.is_published):
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
            if is_new:
                db.session.add(post)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(post_url(post), code=303)
    elif not is_new:
        form.load(post)
    return render_template(template, form=form, post=post, **context), status


def delete_response(post: Post, index_endpoint: str):
    """Ask first (GET), delete on POST, then go back to the section's list."""
    if request.method == "POST":
        db.session.delete(post)
        db.session.commit()
        flash(_("The post was deleted."), "success")
        return redirect(url_for(index_endpoint), code=303)
    return render_template("confirm_delete.html", post=post)


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
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["POSTS_PER_PAGE"],
    )
