"""The owner's data, back in: an export (export.py) loaded into an empty site, every post,
revision, comment and setting passing the same rules as typed data, and every photo of a zip
export processed again from its original as an upload is."""

import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import text

from .. import revisions
from ..admin.forms import SettingsForm
from ..comments.spam import clean_display_name
from ..extensions import db
from ..forms import form_problems, submitted, text_value
from ..media import library, names, processing
from ..media.store import media_store
from ..models import Comment, CommentStatus, Photo, Post, Revision, slugify
from ..posts import saving, schema
from ..rendering import clean_text
from ..site_settings import DEFAULTS, save_settings
from .export import DOCUMENT_ENTRY, FORMAT, VERSION, original_entry

# The zip export's names: its document, and the photos' originals (export.original_entry).
ORIGINAL_ENTRY = re.compile(
    rf"media/originals/(?P<digest>[0-9a-f]{{{names.DIGEST_LENGTH}}})"
    rf"\.(?P<extension>{'|'.join(sorted(set(processing.EXTENSIONS.values())))})"
)
DIGEST = re.compile(rf"[0-9a-f]{{{names.DIGEST_LENGTH}}}")
TOKEN_HASH = re.compile(r"[0-9a-f]{64}")
# The largest site.json read from a zip: a diary of thousands of posts, each with its
# versions, is a few hundred MB.
DOCUMENT_MAX_BYTES = 1024 * 1024 * 1024
# A zip export's photos are stored as they are and its document deflates about 5:1; a zip
# whose files claim more than this many times its own size is a zip bomb.
MAX_COMPRESSION_RATIO = 100


class ImportRefused(ValueError):
    """The document cannot be imported here; the message says why."""


# A photo's original file by its digest and extension, or ImportRefused when there is none.
ReadOriginal = Callable[[str, str], bytes]


def import_document(document, read_original: ReadOriginal | None = None) -> int:
    """Load an export into a site with no posts or photos yet; returns the number of posts.

    The photos come first, each from its original (`read_original`, from a zip export)
    processed again as an upload is, so the posts that show them are linked to them as they
    are added. Without `read_original` (a JSON document alone) no photo is added: the posts
    are, with addresses of photos the site does not have (see photos_missing).

    Posts, blocks and comments keep their ids, so every address stays the same. Every post
    and revision passes its section's editor form, as if the owner had typed it; anything
    that would not (or is not even of the right type) refuses the whole document, naming
    the post. The caller commits, or rolls back on ImportRefused; the files of the photos
    added are removed again when this raises.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused("this is not an export of this site")
    if document.get("version") != VERSION:
        raise ImportRefused(f"export version {document.get('version')!r} is not supported")
    posts = document.get("posts")
    if not isinstance(posts, list) or not all(isinstance(data, dict) for data in posts):
        raise ImportRefused('"posts" is not a list of posts')
    listed = listed_photos(document)
    if db.session.scalar(db.select(db.func.count()).select_from(Post)):
        raise ImportRefused("the site already has posts; import only into an empty site")
    if read_original is not None and db.session.scalar(
        db.select(db.func.count()).select_from(Photo)
    ):
        raise ImportRefused("the site already has photos; import only into an empty site")
    added: list[Photo] = []
    try:
        if read_original is not None:
            _import_photos(listed, read_original, added)
        _import_settings(document.get("settings") or {})
        seen: dict[str, set] = {"post": set(), "block": set(), "comment": set(), "token": set()}
        for data in posts:
            try:
                post = _import_post(data, seen)
                saving.add_as_exported(post)
                _import_comments(post, _value(data, "comments", list), seen)
            except ValueError as error:  # ImportRefused, SnapshotRefused, a bad enum value
                title = json.dumps(data.get("title"), ensure_ascii=False)  # escapes controls
                raise ImportRefused(f"post {data.get('id')!r} {title}: {error}") from None
        if read_original is not None:
            _link_photos_to_posts(listed, added, seen["post"])
        db.session.flush()
    except BaseException:
        _remove_files(added)
        raise
    _continue_id_sequences()
    return len(posts)


def listed_photos(document: dict) -> list[dict]:
    """The document's photos (none in an export made before photos), each checked to be a
    photo as the export writes it."""
    photos = document.get("photos", [])
    if not isinstance(photos, list) or not all(isinstance(item, dict) for item in photos):
        raise ImportRefused('"photos" is not a list of photos')
    seen: set[str] = set()
    for item in photos:
        digest = _value(item, "digest", str)
        if not DIGEST.fullmatch(digest):
            raise ImportRefused(f"photo {digest!r:.50}: digest is not {names.DIGEST_LENGTH} hex")
        if digest in seen:
            raise ImportRefused(f"photo {digest} appears twice")
        seen.add(digest)
        try:
            if _value(item, "original_extension", str) not in processing.EXTENSIONS.values():
                raise ImportRefused("original_extension is not one of a photo")
            for key in ("width", "height", "original_bytes"):
                _value(item, key, int)
            _moment(item, "created_at")
            _moment(item, "unused_since", optional=True)
            if "last_post_id" in item:
                _value(item, "last_post_id", int, optional=True)
        except ImportRefused as error:
            raise ImportRefused(f"photo {digest}: {error}") from None
    return photos


def photos_missing(document: dict) -> list[str]:
    """The digests of the document's photos this site has no row for (after importing a
    JSON document alone: all of them)."""
    digests = [item["digest"] for item in listed_photos(document)]
    present = set(db.session.scalars(db.select(Photo.digest).where(Photo.digest.in_(digests))))
    return [digest for digest in digests if digest not in present]


def _import_photos(listed: list[dict], read_original: ReadOriginal, added: list[Photo]) -> None:
    """Each photo from its original, checked against its name and what the document says,
    processed and stored as an upload is, with the document's times."""
    for item in listed:
        digest, extension = item["digest"], item["original_extension"]
        data = read_original(digest, extension)
        try:
            if processing.digest_of(data) != digest:
                raise ImportRefused("its file's SHA-256 digest is not the one its name says")
            if len(data) != item["original_bytes"]:
                raise ImportRefused(f"its file has {len(data)} bytes, not {item['original_bytes']}")
            try:
                photo = library.add_photo(data)
            except processing.PhotoRefused as refusal:
                raise ImportRefused(str(refusal.message)) from None
            added.append(photo)
            found = f"{photo.width}x{photo.height} {photo.original_extension}"
            said = f"{item['width']}x{item['height']} {extension}"
            if found != said:
                # The posts name the photo by its size: another size would be another address.
                raise ImportRefused(f"its file is a {found} photo, not {said} as the document says")
        except ImportRefused as error:
            raise ImportRefused(f"photo {digest}: {error}") from None
        photo.created_at = _moment(item, "created_at")
        photo.unused_since = _moment(item, "unused_since", optional=True)


def _link_photos_to_posts(listed: list[dict], added: list[Photo], post_ids: set[int]) -> None:
    """The posts added are linked to the photos they show (saving.add_as_exported); each
    photo gets back the post that showed it last, and one the document calls used that no
    post shows (a document edited by hand) is unused from now, so it is removed in time."""
    db.session.flush()  # every photo has its id
    for item, photo in zip(listed, added, strict=True):
        last_post_id = item.get("last_post_id")
        if last_post_id is not None and last_post_id not in post_ids:
            raise ImportRefused(f"photo {photo.digest}: last_post_id {last_post_id} is no post")
        photo.last_post_id = last_post_id
    library.mark_unused_unless_shown({photo.id for photo in added})


def _remove_files(photos: list[Photo]) -> None:
    """The files of photos added by an import that failed (no other row names them: the
    site had no photos)."""
    store = media_store()
    for photo in photos:
        for name in library.all_files(photo):
            store.delete(name)


def import_archive(path) -> int:
    """Load a zip export (export.site_zip) into an empty site: its photos, then its posts;
    returns the number of posts. Refused before anything is read when a
    name is not one the export writes (nothing can land outside its folder) or the sizes its
    files claim are more than the site would take; each file is then read with a cap."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ImportRefused(f"this is not a zip file: {error}") from None
    with archive:
        entries = _checked_entries(archive, os.path.getsize(path))
        document_data = _read_entry(archive, entries.pop(DOCUMENT_ENTRY), DOCUMENT_MAX_BYTES)
        try:
            document = json.loads(document_data.decode("utf-8"))
        except ValueError as error:  # not UTF-8, not JSON
            raise ImportRefused(f"{DOCUMENT_ENTRY}: {error}") from None
        if not isinstance(document, dict):
            raise ImportRefused("this is not an export of this site")
        limit = current_app.config["MEDIA_MAX_BYTES"]
        expected = {}
        for item in listed_photos(document):
            name = original_entry(item["digest"], item["original_extension"])
            if name not in entries:
                raise ImportRefused(f"photo {item['digest']}: {name} is missing from the zip")
            if entries[name].file_size > limit:
                raise ImportRefused(f"{name}: over the limit of {limit} bytes a photo")
            expected[name] = entries.pop(name)
        if entries:
            raise ImportRefused(f"{min(entries)} is not a photo {DOCUMENT_ENTRY} lists")

        def read_original(digest: str, extension: str) -> bytes:
            return _read_entry(archive, expected[original_entry(digest, extension)], limit)

        return import_document(document, read_original)


def _checked_entries(archive: zipfile.ZipFile, archive_size: int) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by name, once every name is one the export writes (no folder, no
    `..`, no absolute path), each at most once, with site.json among them, and the sizes
    they claim, read from the zip's table before anything is unpacked, are not absurd."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename
        if name != DOCUMENT_ENTRY and not ORIGINAL_ENTRY.fullmatch(name):
            shown = json.dumps(name, ensure_ascii=False)[:80]
            raise ImportRefused(
                f"{shown} is not a file of a zip export ({DOCUMENT_ENTRY} and"
                " media/originals/<digest>.<extension> only)"
            )
        if name in entries:
            raise ImportRefused(f"{name} is in the zip twice")
        entries[name] = info
    if DOCUMENT_ENTRY not in entries:
        raise ImportRefused(f"the zip has no {DOCUMENT_ENTRY}")
    if entries[DOCUMENT_ENTRY].file_size > DOCUMENT_MAX_BYTES:
        raise ImportRefused(f"{DOCUMENT_ENTRY} is over the limit of {DOCUMENT_MAX_BYTES} bytes")
    claimed = sum(info.file_size for info in entries.values())
    if claimed > MAX_COMPRESSION_RATIO * max(archive_size, 1):
        raise ImportRefused(
            f"the files claim {claimed} bytes, over {MAX_COMPRESSION_RATIO} times the zip's"
            f" {archive_size}: this is no export (a zip bomb?)"
        )
    return entries


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A file's bytes, never more than `limit` of them, whatever its header says."""
    try:
        with archive.open(info) as file:
            data = file.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
        # A damaged or encrypted file, or a compression Python cannot unpack.
        raise ImportRefused(f"{info.filename} cannot be read: {error}") from None
    if len(data) > limit:
        raise ImportRefused(f"{info.filename}: over the limit of {limit} bytes")
    return data


def _value(data: dict, key: str, kind: type, optional: bool = False):
    """`data[key]` if it is a `kind` (or null, when `optional`); ImportRefused otherwise."""
    if key not in data:
        raise ImportRefused(f"{key} is missing")
    value = data[key]
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ImportRefused(f"{key} is not {'null or ' if optional else ''}{kind.__name__}")
    return value


def _moment(data: dict, key: str, optional: bool = False) -> datetime | None:
    """A time as the export writes it: ISO 8601 with its UTC offset."""
    value = _value(data, key, str, optional)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ImportRefused(f"{key} is not a time with its UTC offset")
    return moment


def _unique(seen: set[int], kind: str, value: int | None) -> int | None:
    if value in seen:
        raise ImportRefused(f"{kind} id {value} appears twice")
    if value is not None:
        seen.add(value)
    return value


def _import_settings(settings) -> None:
    """Settings pass the owner's settings form, as if typed there."""
    if not isinstance(settings, dict) or not set(settings) <= set(DEFAULTS):
        raise ImportRefused(f"settings are not the settings of this site: {settings!r:.80}")
    values = {key: text_value(settings, key) for key in settings}
    form = submitted(SettingsForm, {**DEFAULTS, **values})
    if form.errors:
        raise ImportRefused(f"settings: {'; '.join(form_problems(form))}")
    save_settings({name: str(form[name].data) for name in DEFAULTS})


def _import_post(data: dict, seen: dict[str, set[int]]) -> Post:
    kind = data.get("kind")
    if kind not in schema.SHAPES:
        raise ImportRefused(f"kind {kind!r} is neither diary nor commentary")
    cleaned = revisions.checked(data, kind)
    post = schema.new_post(cleaned)
    post.id = _unique(seen["post"], "post", _value(data, "id", int))
    # Kept as exported, so the address stays; but only a slug the site itself could make
    # (a slug is a file name in the Markdown zip, and a path part of the address).
    slug = _value(data, "slug", str)
    if slug != slugify(slug):
        raise ImportRefused(
            f"slug {json.dumps(slug, ensure_ascii=False)} is not one the site makes"
        )
    post.slug = slug
    for rows in schema.shape_of(kind).lists:
        for row, item in zip(getattr(post, rows.key), cleaned[rows.key], strict=True):
            row.id = _unique(seen["block"], "block", item.get("id"))
    post.created_at = _moment(data, "created_at")
    post.updated_at = _moment(data, "updated_at")
    post.deleted_at = _moment(data, "deleted_at", optional=True)
    post.version = _value(data, "version", int)
    post.comments_enabled = _value(data, "comments_enabled", bool)
    post.revisions = [_import_revision(item, kind) for item in _value(data, "revisions", list)]
    return post


def _import_revision(item, kind: str) -> Revision:
    """A revision is kept as exported, once its editor would save it (so restoring and
    comparing it later are safe)."""
    if not isinstance(item, dict):
        raise ImportRefused("a revision is not an object")
    version = _value(item, "version", int)
    data = _value(item, "data", dict)
    try:
        revisions.checked(data, kind)
    except ValueError as error:
        raise ImportRefused(f"revision {version}: {error}") from None
    return Revision(version=version, created_at=_moment(item, "created_at"), data=data)


def _import_comments(post: Post, comments: list, seen: dict[str, set]) -> None:
    blocks = {block.id for block in post.blocks}
    earlier: set[int] = set()
    for data in comments:
        if not isinstance(data, dict):
            raise ImportRefused("a comment is not an object")
        comment_id = _unique(seen["comment"], "comment", _value(data, "id", int))
        try:
            comment = _comment(post, data, blocks, earlier)
        except ValueError as error:
            raise ImportRefused(f"comment {comment_id}: {error}") from None
        comment.id = comment_id
        if comment.token_hash is not None:
            if comment.token_hash in seen["token"]:
                raise ImportRefused(f"comment {comment_id}: token_hash is another comment's")
            seen["token"].add(comment.token_hash)
        db.session.add(comment)
        db.session.flush()  # replies name their parent: insert in id order
        earlier.add(comment_id)


def _comment(post: Post, data: dict, blocks: set[int], earlier: set[int]) -> Comment:
    """A comment cleaned as the comment form cleans a reader's."""
    block_id = _value(data, "block_id", int, optional=True)
    if block_id is not None and block_id not in blocks:
        raise ImportRefused(f"block {block_id} is not a block of this post")
    parent_id = _value(data, "parent_id", int, optional=True)
    if parent_id is not None and parent_id not in earlier:
        raise ImportRefused(f"comment {parent_id} is not an earlier comment of this post")
    name = clean_display_name(clean_text(_value(data, "name", str)))
    body = clean_text(_value(data, "body", str)).strip()
    if not name or len(name) > Comment.name.type.length or not body:
        raise ImportRefused("a comment needs a short name and a body")
    comment = Comment(
        post_id=post.id,
        block_id=block_id,
        parent_id=parent_id,
        name=name,
        status=CommentStatus(_value(data, "status", str)),
        secret=_value(data, "secret", bool),
        by_owner=_value(data, "by_owner", bool),
        created_at=_moment(data, "created_at"),
        token_hash=_token_hash(data),
    )
    comment.set_body(body)
    return comment


def _token_hash(data: dict) -> str | None:
    """The hash of a reader's private address (comments/tokens.py): 64 hex digits, or none
    (the owner's replies, and exports made before readers could follow their comments)."""
    if "token_hash" not in data:
        return None
    value = _value(data, "token_hash", str, optional=True)
    if value is not None and not TOKEN_HASH.fullmatch(value):
        raise ImportRefused("token_hash is not a sha256 in hex")
    return value


def _continue_id_sequences() -> None:
    """PostgreSQL hands out ids from sequences: move them past the imported ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("post", "block", "comment", "revision", "tag"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
