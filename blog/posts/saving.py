"""THE one write path for posts.

Every change to a post goes through these functions: the editors, the desk's quick actions,
the trash, bringing back a version, the importers, demo data and the tests' factories. So a
post's version, its revisions, its search entry and the page cache's version are always in
step, and no caller has an order of steps to remember. The caller commits once.
"""

from datetime import timedelta

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import object_session

from .. import pagecache, search
from ..extensions import db
from ..media import library as photos
from ..models import (
    Block,
    KeyExpression,
    Post,
    PostTag,
    Revision,
    Tag,
    Visibility,
    post_tag,
    utcnow,
)
from ..revisions import checked
from . import schema

TRASH_DAYS = 30


def save(post: Post) -> Revision:
    """Keep the post as it now is: its HTML and summary derived from its text, its address
    (Post.choose_address), a new version (older edit forms become stale, see
    PostForm.is_stale_for), a revision of it, and its search entry."""
    post.derive()
    post.choose_address()
    post.touch()
    db.session.add(post)
    _tell_the_page_cache(post)
    db.session.flush()  # the post has its id and blocks before it is kept and indexed
    recount_tags(_tag_ids(post) | _untagged())
    copy_to_key_expressions([post.id])
    data = schema.snapshot(post)
    photos.record_use(post, schema.texts(data))
    # The revisions kept before are not loaded: after many saves they are many whole copies.
    revision = Revision(post=post, version=post.version, data=data, created_at=utcnow())
    db.session.add(revision)
    search.index_post(post)
    return revision


def publish_now(post: Post) -> Revision:
    post.set_publication(Visibility.PUBLIC, utcnow())
    return save(post)


def make_private(post: Post) -> Revision:
    post.set_publication(Visibility.PRIVATE, post.published_at)
    return save(post)


def switch_comments(post: Post, enabled: bool) -> None:
    """Readers' comments on or off: no change to what the owner wrote, so no new version (an
    open edit form stays good)."""
    post.comments_enabled = enabled
    _tell_the_page_cache(post)


def restore_revision(post: Post, revision: Revision) -> Revision:
    """Bring `revision` back as a new save (it becomes the newest revision). Raises
    revisions.SnapshotRefused, changing nothing, when the editor would not save it."""
    schema.restore(post, checked(revision.data, post.kind))
    return save(post)


def add_as_exported(post: Post) -> None:
    """A post read from an export, with its own version and revisions: added as it was (an
    export imported again gives the same export), derived and indexed."""
    post.derive()
    db.session.add(post)
    _tell_the_page_cache(post)
    db.session.flush()
    recount_tags(_tag_ids(post))
    copy_to_key_expressions([post.id])
    photos.record_use(post, schema.texts(schema.snapshot(post)))
    search.index_post(post)


def trash(post: Post) -> None:
    """Into the trash, restorable for TRASH_DAYS; out of search and every reader's page."""
    post.deleted_at = utcnow()
    _tell_the_page_cache(post)
    db.session.flush()
    recount_tags(_tag_ids(post))
    copy_to_key_expressions([post.id])
    search.remove_post(post.id)
    empty_old_trash()


def restore_from_trash(post: Post) -> None:
    post.deleted_at = None
    _tell_the_page_cache(post)
    db.session.flush()
    recount_tags(_tag_ids(post))
    copy_to_key_expressions([post.id])
    search.index_post(post)
    empty_old_trash()


def delete_forever(post: Post) -> None:
    """Only from the trash (its search entry went when it was trashed). The photos only it
    showed wait TRASH_DAYS as unused photos, as a trashed post does."""
    _tell_the_page_cache(post)
    photos.forget_post(post)
    tags = _tag_ids(post)  # counted only if it was not in the trash after all
    db.session.delete(post)
    db.session.flush()
    recount_tags(tags | _untagged())


def empty_old_trash() -> int:
    """Delete for good what has been in the trash longer than TRASH_DAYS, and the photos no
    post has shown for as long. There is no job runner, and reads never write: this runs with
    every change to the trash and to the photos."""
    expired = db.session.scalars(
        db.select(Post).where(Post.deleted_at < utcnow() - timedelta(days=TRASH_DAYS))
    ).all()
    for post in expired:
        photos.forget_post(post)
        db.session.delete(post)
    photos.remove_old_unused(TRASH_DAYS)
    return len(expired)


def recount_tags(tag_ids: set[int] | None = None) -> None:
    """Count again the posts of the tags `tag_ids` (every tag: None) into Tag.kept_posts and
    Tag.public_posts, after a change to posts carrying them has been flushed. A count in SQL
    over the tag's links, so it is right whatever the change was; a few milliseconds for a
    tag on 25,000 posts, paid by the owner's save rather than by every reader."""
    if tag_ids is not None and not tag_ids:
        return
    posts = Post.__table__

    def counted(*conditions):
        return (
            select(func.count())
            .select_from(post_tag.join(posts, posts.c.id == post_tag.c.post_id))
            .where(post_tag.c.tag_id == Tag.id, posts.c.deleted_at.is_(None), *conditions)
            .scalar_subquery()
        )

    statement = update(Tag.__table__).values(
        kept_posts=counted(), public_posts=counted(posts.c.visibility == Visibility.PUBLIC.value)
    )
    if tag_ids is not None:
        statement = statement.where(Tag.id.in_(sorted(tag_ids)))
    db.session.execute(statement)
    for tag in [item for item in db.session.identity_map.values() if isinstance(item, Tag)]:
        db.session.expire(tag, ["kept_posts", "public_posts"])  # read again when next used


def copy_to_key_expressions(post_ids: list[int]) -> None:
    """Copy onto the key expressions of the posts `post_ids` what the glossary filters and
    sorts them by (see KeyExpression): their post's id, visibility, publication and deletion
    times, and their quote's position. One UPDATE from the posts and blocks as flushed, so
    it is right whatever the change was (a new quote, one moved, the trash, a schedule)."""
    if not post_ids:
        return
    posts, blocks = Post.__table__, Block.__table__
    expressions = KeyExpression.__table__
    db.session.execute(
        update(expressions)
        .where(
            expressions.c.block_id == blocks.c.id,
            posts.c.id == blocks.c.commentary_id,
            blocks.c.commentary_id.in_(sorted(post_ids)),
        )
        .values(
            post_id=posts.c.id,
            block_position=blocks.c.position,
            visibility=posts.c.visibility,
            published_at=posts.c.published_at,
            deleted_at=posts.c.deleted_at,
        )
    )
    copied = ["post_id", "block_position", "visibility", "published_at", "deleted_at"]
    loaded = [item for item in db.session.identity_map.values() if isinstance(item, KeyExpression)]
    for row in loaded:
        db.session.expire(row, copied)  # read again when next used


def _tag_ids(post: Post) -> set[int]:
    return {link.tag_id for link in post.tag_links}


def _untagged() -> set[int]:
    """The tags whose links to posts were deleted by the flushes since the last call."""
    return db.session.info.pop(UNTAGGED, set())


UNTAGGED = "posts.saving untagged"


def remember_untagged(mapper, connection, link: PostTag) -> None:
    """A link the owner removed (Post.set_tags): its tag is counted again with the post's.
    Noted when the flush deletes it, since the flush is also what forgets the links' history
    (and a query in the save path may flush before the save looks). PostTag's after_delete
    listener, bound by create_app (bind_database_events)."""
    object_session(link).info.setdefault(UNTAGGED, set()).add(link.tag_id)


def _tell_the_page_cache(post: Post) -> None:
    """Make every page old when readers see the post, or saw it before this change: public
    (scheduled too, so the cache learns when it appears) and not in the trash. A draft's or a
    private post's save leaves every page alone. Called before the session is flushed, while
    each attribute's history still holds what the post was."""
    if _ever(post, "visibility", Visibility.PUBLIC) and _ever(post, "deleted_at", None):
        pagecache.content_changed()


def _ever(post: Post, attribute: str, value) -> bool:
    """Whether `attribute` is `value` before this change or after it. A value set over one
    the session never loaded may have replaced `value`: that counts as yes."""
    state = inspect(post)
    history = state.attrs[attribute].load_history()
    if state.persistent and history.added and not history.deleted:
        return True
    # A new post's attribute never set has no history: its value is the default.
    return value in ([*history.deleted, *history.non_deleted()] or [getattr(post, attribute)])
