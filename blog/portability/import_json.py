"""The owner's data, back in: an export (export.py) loaded into an empty site, every post,
revision, comment and setting passing the same rules as typed data."""

import json
from datetime import datetime

from sqlalchemy import text

from .. import revisions
from ..admin.forms import SettingsForm
from ..comments.spam import clean_display_name
from ..extensions import db
from ..forms import form_problems, submitted, text_value
from ..models import Comment, CommentStatus, Post, Revision, slugify
from ..posts import saving, schema
from ..rendering import clean_text
from ..site_settings import DEFAULTS, save_settings
from .export import FORMAT, VERSION


class ImportRefused(ValueError):
    """The document cannot be imported here; the message says why."""


def import_document(document) -> int:
    """Load an export into a site with no posts yet; returns the number of posts.

    Posts, blocks and comments keep their ids, so every address stays the same. Every post
    and revision passes its section's editor form, as if the owner had typed it; anything
    that would not (or is not even of the right type) refuses the whole document, naming
    the post. The caller commits, or rolls back on ImportRefused.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused("this is not an export of this site")
    if document.get("version") != VERSION:
        raise ImportRefused(f"export version {document.get('version')!r} is not supported")
    posts = document.get("posts")
    if not isinstance(posts, list) or not all(isinstance(data, dict) for data in posts):
        raise ImportRefused('"posts" is not a list of posts')
    if db.session.scalar(db.select(db.func.count()).select_from(Post)):
        raise ImportRefused("the site already has posts; import only into an empty site")
    _import_settings(document.get("settings") or {})
    seen: dict[str, set[int]] = {"post": set(), "block": set(), "comment": set()}
    for data in posts:
        try:
            post = _import_post(data, seen)
            saving.add_as_exported(post)
            _import_comments(post, _value(data, "comments", list), seen)
        except ValueError as error:  # ImportRefused, SnapshotRefused, a bad enum value
            title = json.dumps(data.get("title"), ensure_ascii=False)  # escapes control codes
            raise ImportRefused(f"post {data.get('id')!r} {title}: {error}") from None
    db.session.flush()
    _continue_id_sequences()
    return len(posts)


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


def _import_comments(post: Post, comments: list, seen: dict[str, set[int]]) -> None:
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
    )
    comment.set_body(body)
    return comment


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
