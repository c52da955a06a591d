"""The owner's data, out: a versioned JSON export of the whole site, and a Markdown zip for
reading elsewhere.

The export holds what people wrote and chose (posts with their ids, blocks, tags, comments
with their status, revisions, settings, the owner's name), never the password hash and never
what is derived (rendered HTML, excerpts, the search index): import renders those again.
"""

import io
import zipfile
from contextlib import contextmanager
from datetime import datetime

from ..extensions import db
from ..models import Owner, Post, slugify, utcnow
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
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utcnow().isoformat(),
            "owner": {"username": owner.username} if owner else None,
            "settings": get_settings(),
            "posts": [_export_post(post) for post in posts],
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
            }
            for c in sorted(post.comments, key=lambda c: c.id)
        ],
    }


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
