"""The owner's data, out and back in: a versioned JSON export, its import, a Markdown zip,
and a consistent SQLite backup while the site runs.

The export holds what people wrote and chose (posts with their ids, blocks, tags, comments
with their status, revisions, settings, the owner's name), never the password hash and never
what is derived (rendered HTML, excerpts, the search index): import renders those again.
"""

import io
import json
import sqlite3
import zipfile
from datetime import date, datetime

from sqlalchemy import text

from . import search
from .extensions import db
from .models import (
    Block,
    Comment,
    Commentary,
    CommentStatus,
    DiaryEntry,
    Owner,
    Post,
    Revision,
    Visibility,
    utcnow,
)
from .settings import get_settings, save_settings

FORMAT = "blog-export"
VERSION = 1


class ImportRefused(ValueError):
    """The document cannot be imported here; the message says why."""


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def export_document() -> dict:
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


def _export_post(post: Post) -> dict:
    data = {
        "id": post.id,
        "kind": post.kind,
        "title": post.title,
        "slug": post.slug,
        "visibility": post.visibility.value,
        "published_at": _time(post.published_at),
        "created_at": _time(post.created_at),
        "updated_at": _time(post.updated_at),
        "deleted_at": _time(post.deleted_at),
        "version": post.version,
        "body": post.body,
        "comments_enabled": post.comments_enabled,
        "tags": [tag.name for tag in post.tags],
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
    if isinstance(post, Commentary):
        data.update(
            outlet=post.outlet,
            source_url=post.source_url,
            author=post.author,
            published_on=post.published_on.isoformat() if post.published_on else None,
            lead=post.lead,
            closing=post.closing,
            blocks=[
                {"id": b.id, "quote": b.quote, "translation": b.translation, "opinion": b.opinion}
                for b in post.blocks
            ],
        )
    return data


def import_document(document: dict) -> int:
    """Load an export into a site with no posts yet; returns the number of posts.

    Posts, blocks and comments keep their ids, so every address stays the same.
    The caller commits.
    """
    if document.get("format") != FORMAT:
        raise ImportRefused("this is not an export of this site")
    if document.get("version") != VERSION:
        raise ImportRefused(f"export version {document.get('version')} is not supported")
    if db.session.scalar(db.select(db.func.count()).select_from(Post)):
        raise ImportRefused("the site already has posts; import only into an empty site")
    save_settings(document.get("settings") or {})
    for data in document["posts"]:
        post = _import_post(data)
        db.session.add(post)
        db.session.flush()
        _import_comments(post, data["comments"])
    db.session.flush()
    _continue_id_sequences()
    search.reindex()
    return len(document["posts"])


def _import_post(data: dict) -> Post:
    post = Commentary() if data["kind"] == "commentary" else DiaryEntry()
    post.id = data["id"]
    post.title = data["title"]
    post.slug = data["slug"]
    if isinstance(post, Commentary):
        post.outlet = data["outlet"]
        post.source_url = data["source_url"]
        post.author = data["author"]
        post.published_on = (
            date.fromisoformat(data["published_on"]) if data["published_on"] else None
        )
        post.lead = data["lead"]
        post.set_closing(data["closing"])
        post.blocks = []
        for position, item in enumerate(data["blocks"]):
            block = Block(id=item["id"], position=position)
            block.set_text(item["quote"], item["translation"], item["opinion"])
            post.blocks.append(block)
    post.set_body(data["body"])
    post.set_tags(data["tags"])
    post.visibility = Visibility(data["visibility"])
    post.published_at = _parse_time(data["published_at"])
    post.created_at = _parse_time(data["created_at"])
    post.updated_at = _parse_time(data["updated_at"])
    post.deleted_at = _parse_time(data["deleted_at"])
    post.version = data["version"]
    post.comments_enabled = data["comments_enabled"]
    post.revisions = [
        Revision(version=r["version"], created_at=_parse_time(r["created_at"]), data=r["data"])
        for r in data["revisions"]
    ]
    return post


def _import_comments(post: Post, comments: list[dict]) -> None:
    for data in comments:
        comment = Comment(
            id=data["id"],
            post_id=post.id,
            block_id=data["block_id"],
            parent_id=data["parent_id"],
            name=data["name"],
            status=CommentStatus(data["status"]),
            secret=data["secret"],
            by_owner=data["by_owner"],
            created_at=_parse_time(data["created_at"]),
        )
        comment.set_body(data["body"])
        db.session.add(comment)
        db.session.flush()  # replies name their parent: insert in id order


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


# --- Markdown for reading elsewhere -------------------------------------------------------


def _front_matter(post: Post) -> list[str]:
    lines = ["---", f"title: {json.dumps(post.title, ensure_ascii=False)}", f"kind: {post.kind}"]
    lines.append(f"date: {_time(post.published_at or post.created_at)}")
    lines.append(f"visibility: {post.visibility.value}")
    lines.append(f"tags: {json.dumps([t.name for t in post.tags], ensure_ascii=False)}")
    if isinstance(post, Commentary):
        for key in ("outlet", "source_url", "author"):
            lines.append(f"{key}: {json.dumps(getattr(post, key), ensure_ascii=False)}")
    return lines + ["---", ""]


def _markdown(post: Post) -> str:
    lines = _front_matter(post)
    if isinstance(post, Commentary):
        if post.lead:
            lines += [post.lead, ""]
        for number, block in enumerate(post.blocks, start=1):
            lines += [f"## {number}", ""]
            lines += ["> " + line for line in block.quote.splitlines()] + [""]
            if block.translation:
                lines += [block.translation, ""]
            if block.opinion:
                lines += [block.opinion, ""]
        if post.body:
            lines += ["## 요약", "", post.body, ""]
        if post.closing:
            lines += [post.closing, ""]
    else:
        lines += [post.body, ""]
    return "\n".join(lines)


def markdown_zip() -> bytes:
    """One Markdown file per post (trash excluded), named by section, id and slug."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        posts = db.session.scalars(
            db.select(Post).where(Post.deleted_at.is_(None)).order_by(Post.id)
        )
        for post in posts:
            name = f"{post.kind}/{post.id:05d}{'-' + post.slug if post.slug else ''}.md"
            archive.writestr(name, _markdown(post))
    return buffer.getvalue()


# --- backup -------------------------------------------------------------------------------


def backup_sqlite(path: str) -> None:
    """A consistent copy of the SQLite database, taken with SQLite's online backup API while
    the site keeps reading and writing."""
    if db.engine.dialect.name != "sqlite":
        raise ImportRefused("backup copies SQLite databases; for PostgreSQL use pg_dump")
    source = db.engine.raw_connection()
    try:
        with sqlite3.connect(path) as target:
            source.driver_connection.backup(target)
        target.close()
    finally:
        source.close()
