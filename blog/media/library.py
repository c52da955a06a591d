"""The owner's photos: adding an upload, keeping track of which posts show which photo (from
the one save path), and removing photos no post has shown for the trash's days.

A photo's files are written before its row is committed (an upload that then fails leaves
files no row names: harmless, the next upload of the same bytes reuses them), and deleted only
after the commit that deleted its row, so a rolled-back removal never loses a photo a post
still shows.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Photo, Post, PostPhoto, utcnow
from . import names, processing
from .store import media_store

FILES_TO_DELETE = "media_files_to_delete"


def add_photo(data: bytes) -> Photo:
    """The photo in `data`, processed and stored (or the same photo uploaded before), not
    shown by any post yet. Raises processing.PhotoRefused with what to tell the owner."""
    limit = current_app.config["MEDIA_MAX_BYTES"]
    if len(data) > limit:
        raise processing.PhotoRefused(too_large_message(limit))
    digest = processing.digest_of(data)
    photo = db.session.scalar(select(Photo).where(Photo.digest == digest))
    if photo is not None and _files_present(photo):
        return photo
    processed = processing.process(data, current_app.config["MEDIA_MAX_PIXELS"])
    store = media_store()
    store.save(names.original_name(digest, processed.original_extension), data)
    for name, content in processed.files.items():
        store.save(name, content)
    if photo is None:
        photo = Photo(
            digest=digest,
            width=processed.name.width,
            height=processed.name.height,
            original_extension=processed.original_extension,
            original_bytes=len(data),
            unused_since=utcnow(),
        )
        db.session.add(photo)
    return photo


def too_large_message(limit: int):
    return _l(
        "This file is too large: at most %(megabytes)s MB a photo.",
        megabytes=f"{limit / 1_000_000:g}",
    )


def _files_present(photo: Photo) -> bool:
    store = media_store()
    return store.exists(names.original_name(photo.digest, photo.original_extension)) and all(
        store.exists(names.variant_name(photo.digest, width, format))
        for width in photo.name.widths()
        for format in names.FORMATS
    )


def served_files(photo: Photo) -> list[str]:
    return [
        names.variant_name(photo.digest, width, format)
        for width in photo.name.widths()
        for format in names.FORMATS
    ]


def all_files(photo: Photo) -> list[str]:
    return [names.original_name(photo.digest, photo.original_extension), *served_files(photo)]


def record_use(post: Post, texts: list[str]) -> None:
    """The post shows the photos its `texts` name (in page order): its cover is the first of
    them, and each photo knows it is used; a photo it no longer shows, that no other post
    does, is unused from now. The post must have its id (after a flush)."""
    shown = names.photos_in("\n".join(texts))
    known = {
        photo.digest: photo
        for photo in (
            db.session.scalars(select(Photo).where(Photo.digest.in_([n.digest for n in shown])))
            if shown
            else []
        )
    }
    cover = next((name for name in shown if name.digest in known), None)
    post.cover_photo = cover.key if cover else ""
    wanted = {known[name.digest].id for name in shown if name.digest in known}
    had = set(db.session.scalars(select(PostPhoto.photo_id).where(PostPhoto.post_id == post.id)))
    for photo_id in wanted - had:
        db.session.add(PostPhoto(post_id=post.id, photo_id=photo_id))
    for photo in known.values():
        if photo.id in wanted:
            photo.unused_since = None
            photo.last_post_id = post.id
    dropped = had - wanted
    if dropped:
        db.session.execute(
            delete(PostPhoto).where(PostPhoto.post_id == post.id, PostPhoto.photo_id.in_(dropped))
        )
        mark_unused_unless_shown(dropped)


def forget_post(post: Post) -> None:
    """The post is being deleted for good: the photos only it showed become unused."""
    shown = set(db.session.scalars(select(PostPhoto.photo_id).where(PostPhoto.post_id == post.id)))
    if shown:
        db.session.execute(delete(PostPhoto).where(PostPhoto.post_id == post.id))
        mark_unused_unless_shown(shown)


def mark_unused_unless_shown(photo_ids: set[int]) -> None:
    """Each of these photos that no post shows is unused from now (if it was not already)."""
    db.session.flush()
    still_shown = set(
        db.session.scalars(select(PostPhoto.photo_id).where(PostPhoto.photo_id.in_(photo_ids)))
    )
    for photo in db.session.scalars(select(Photo).where(Photo.id.in_(photo_ids - still_shown))):
        photo.unused_since = photo.unused_since or utcnow()


def posts_showing(photo_ids: list[int]) -> dict[int, list[Post]]:
    """The posts (in the trash too) that show each of these photos, by photo id."""
    shown: dict[int, list[Post]] = {}
    rows = db.session.execute(
        select(PostPhoto.photo_id, Post)
        .join(Post, Post.id == PostPhoto.post_id)
        .where(PostPhoto.photo_id.in_(photo_ids))
        .order_by(Post.id)
    )
    for photo_id, post in rows:
        shown.setdefault(photo_id, []).append(post)
    return shown


def usage_counts() -> tuple[int, int]:
    """(photos, bytes of their originals), for the owner's data page."""
    count, size = db.session.execute(
        select(func.count(Photo.id), func.coalesce(func.sum(Photo.original_bytes), 0))
    ).one()
    return count, size


def delete_photo(photo: Photo) -> None:
    """Remove an unused photo: its row now, its files once the deletion is committed."""
    db.session.info.setdefault(FILES_TO_DELETE, []).extend(all_files(photo))
    db.session.delete(photo)


def remove_old_unused(days: int) -> int:
    """Remove every photo no post has shown for `days` days (the trash's rule)."""
    old = db.session.scalars(
        select(Photo).where(Photo.unused_since < utcnow() - timedelta(days=days))
    ).all()
    for photo in old:
        delete_photo(photo)
    return len(old)


def _delete_committed_files(session) -> None:
    doomed = session.info.pop(FILES_TO_DELETE, None)
    if doomed:
        store = media_store()
        for name in doomed:
            store.delete(name)


def _keep_files_of_rolled_back(session, previous_transaction) -> None:
    session.info.pop(FILES_TO_DELETE, None)


# On db.session (bound in create_app): files go with a committed deletion, and stay when it
# is rolled back.
SESSION_LISTENERS = (
    ("after_commit", _delete_committed_files),
    ("after_soft_rollback", _keep_files_of_rolled_back),
)
