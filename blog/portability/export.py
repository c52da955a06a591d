"""The owner's data, out: a versioned JSON export of the whole site, the same document zipped
with every photo's original file, and a Markdown zip for reading elsewhere.

The export holds what people wrote and chose (posts with their ids, blocks, tags, comments
with their status, revisions, settings, the owner's name, the photos uploaded), never the
password hash and never what is derived (rendered HTML, excerpts, the search index, the
photos' served variants): import makes those again.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from ..extensions import db
from ..media import names
from ..media.store import media_store
from ..models import Owner, Photo, Post, slugify, utcnow
from ..posts import schema
from ..site_settings import get_settings

FORMAT = "blog-export"
VERSION = 1


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_document() -> dict:
    """The whole site as one JSON-ready document, read from one snapshot of the database:
    saves committed while it reads (a post's blocks, its revisions) are all in or all out.
    Call it with nothing pending in the session: it starts a transaction of its own."""
    with _one_snapshot():
        owner = db.session.scalar(db.select(Owner))
        posts = db.session.scalars(db.select(Post).order_by(Post.id)).all()
        photos = db.session.scalars(db.select(Photo).order_by(Photo.id)).all()
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utcnow().isoformat(),
            "owner": {"username": owner.username} if owner else None,
            "settings": get_settings(),
            "posts": [_export_post(post) for post in posts],
            "photos": [_export_photo(photo) for photo in photos],
        }


@contextmanager
def _one_snapshot():
    """One read-only transaction whose every read sees the same committed state.

    PostgreSQL: REPEATABLE READ READ ONLY. SQLite: pysqlite (Python < 3.12, its legacy
    transaction control) sends BEGIN only before writes, so each SELECT would otherwise be
    its own transaction; an explicit BEGIN makes them one read transaction, and in WAL mode
    that reads one snapshot while writers go on.
    """
    db.session.rollback()  # end whatever the caller's session had begun
    options = {}
    if db.engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    connection = db.session.connection(execution_options=options)
    if db.engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
    try:
        yield
    finally:
        db.session.rollback()


def _export_post(post: Post) -> dict:
    return {
        "id": post.id,
        "slug": post.slug,
        "created_at": _time(post.created_at),
        "updated_at": _time(post.updated_at),
        "deleted_at": _time(post.deleted_at),
        "version": post.version,
        "comments_enabled": post.comments_enabled,
        **schema.snapshot(post, with_ids=True),
        "revisions": [
            {"version": r.version, "created_at": _time(r.created_at), "data": r.data}
            for r in sorted(post.revisions, key=lambda r: r.version)
        ],
        "comments": [
            {
                "id": c.id,
                "block_id": c.block_id,
                "parent_id": c.parent_id,
                "name": c.name,
                "body": c.body,
                "status": c.status.value,
                "secret": c.secret,
                "by_owner": c.by_owner,
                "created_at": _time(c.created_at),
                # Only the hash of the writer's private address: it keeps working after a
                # move, and the export holds no address that opens a comment.
                "token_hash": c.token_hash,
            }
            for c in sorted(post.comments, key=lambda c: c.id)
        ],
    }


def _export_photo(photo: Photo) -> dict:
    """What the document says of a photo (its file is in the zip export, not here)."""
    return {
        "digest": photo.digest,
        "width": photo.width,
        "height": photo.height,
        "original_extension": photo.original_extension,
        "original_bytes": photo.original_bytes,
        "created_at": _time(photo.created_at),
        "unused_since": _time(photo.unused_since),
        "last_post_id": photo.last_post_id,
    }


# The zip export: the document, and each photo's original file as it was uploaded.
DOCUMENT_ENTRY = "site.json"
ORIGINALS_FOLDER = "media/"  # + names.original_name: media/originals/<digest>.<extension>
# What one step of the zip export writes: a photo is copied into the zip in pieces this large.
CHUNK_BYTES = 1024 * 1024


def original_entry(digest: str, extension: str) -> str:
    return ORIGINALS_FOLDER + names.original_name(digest, extension)


def photo_totals(document: dict) -> tuple[int, int]:
    """How many photos the document lists, and the bytes of their originals."""
    return len(document["photos"]), sum(photo["original_bytes"] for photo in document["photos"])


def missing_originals(document: dict) -> list[str]:
    """The digests of the photos whose original file the media store does not have."""
    store = media_store()
    return [
        photo["digest"]
        for photo in document["photos"]
        if not store.exists(names.original_name(photo["digest"], photo["original_extension"]))
    ]


def site_zip(document: dict) -> Iterator[bytes]:
    """The zip export, made as it is read: `site.json` (the document), then every photo's
    original under media/originals/, read from the media store one at a time and handed on
    in pieces of CHUNK_BYTES. So memory holds the document and at most one photo, however
    many photos there are, and a download starts at once."""
    pieces = _Pieces()
    written_at = datetime.fromisoformat(document["exported_at"]).timetuple()[:6]
    store = media_store()
    with zipfile.ZipFile(pieces, "w") as archive:
        text = json.dumps(document, ensure_ascii=False, indent=1).encode()
        archive.writestr(_entry(DOCUMENT_ENTRY, written_at, zipfile.ZIP_DEFLATED), text)
        yield pieces.take()
        for photo in document["photos"]:
            digest, extension = photo["digest"], photo["original_extension"]
            data = store.read(names.original_name(digest, extension))
            # Stored as they are: a photo is compressed already.
            entry = _entry(original_entry(digest, extension), written_at, zipfile.ZIP_STORED)
            entry.file_size = len(data)
            with archive.open(entry, "w") as target:
                for start in range(0, len(data), CHUNK_BYTES):
                    target.write(data[start : start + CHUNK_BYTES])
                    yield pieces.take()
    yield pieces.take()  # the end of the last file and the zip's table of contents


def _entry(name: str, written_at: tuple, compression: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=written_at)
    entry.compress_type = compression
    entry.external_attr = 0o600 << 16  # the owner's private data: unpacked readable by them only
    return entry


class _Pieces:
    """Where zipfile writes the zip export: it keeps what it is given until taken. (It has no
    `tell`, so zipfile writes as to a pipe, with each file's size after its data.)"""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        taken = b"".join(self._parts)
        self._parts.clear()
        return taken


def markdown_zip() -> bytes:
    """One Markdown file per post (trash excluded), named by section, id and slug."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        posts = db.session.scalars(
            db.select(Post).where(Post.deleted_at.is_(None)).order_by(Post.id)
        )
        for post in posts:
            # slugify again: a name with a path in it would land outside the folder when
            # unpacked (zip-slip), whatever an older version of the site let in.
            slug = slugify(post.slug)
            name = f"{post.kind}/{post.id:05d}{'-' + slug if slug else ''}.md"
            archive.writestr(
                name,
                schema.markdown(schema.snapshot(post), _time(post.published_at or post.created_at)),
            )
    return buffer.getvalue()
