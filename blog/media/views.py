"""Photos over HTTP: readers get the served variants; the owner uploads (the editor's
JavaScript, one photo a request). The editor's own upload without JavaScript goes through the
editor's form (posts.pages.editor_response)."""

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from .library import add_photo, too_large_message
from .names import SERVED_NAME, PhotoName, variant_name
from .processing import PhotoRefused
from .store import media_store

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def served(name: str):
    """A variant by its name, or a photo's address (its largest JPEG). Never an original."""
    match = SERVED_NAME.fullmatch(name)
    if match is None:
        abort(404)
    if match["width"]:
        photo = PhotoName(match["digest"], int(match["width"]), int(match["height"]))
        name = variant_name(photo.digest, photo.largest, "jpg")
    store = media_store()
    if not store.exists(name):
        abort(404)
    return store.response(name)


@dataclass(frozen=True)
class SharedPhoto:
    url: str
    width: int
    height: int


def shared_photo(post) -> SharedPhoto | None:
    """The photo a link to `post` shows where it is shared (og:image): its first, largest."""
    photo = PhotoName.from_key(post.cover_photo or "")
    if photo is None:
        return None
    name = variant_name(photo.digest, photo.largest, "jpg")
    return SharedPhoto(
        url_for("media.served", name=name, _external=True),
        photo.largest,
        photo.height_at(photo.largest),
    )


@bp.post("/admin/photos")
@login_required
def upload():
    """One photo from the editor's script (CSRF token in the X-CSRFToken header): its address
    and size as JSON, or what is wrong with it, with a 4xx."""
    limit = current_app.config["MEDIA_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024  # the file and the form's few small fields
    file = request.files.get("image")
    if file is None or not file.filename:
        return jsonify(error=_("Choose a photo first.")), 400
    data = file.read(limit + 1)
    try:
        photo = add_photo(data)
    except PhotoRefused as refusal:
        status = 413 if len(data) > limit else 400
        return jsonify(error=str(refusal.message)), status
    db.session.commit()
    name = photo.name
    return jsonify(
        address=name.address,
        width=name.width,
        height=name.height,
        preview=name.variant(name.widths()[0], "jpg"),
    ), 201


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload whose body was refused unread: said in JSON, as the script expects."""
    return jsonify(error=str(too_large_message(current_app.config["MEDIA_MAX_BYTES"]))), 413
