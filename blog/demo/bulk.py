"""The demo's bulk path (see blog.demo): posts built in worker processes, one INSERT per table."""

import multiprocessing
import os
from collections import deque

from sqlalchemy import insert, inspect

from .. import pagecache, search
from ..extensions import db
from ..models import Block, Comment, Commentary, KeyExpression, Post, Revision, post_tag
from ..posts import saving, schema

WORKERS = os.cpu_count() or 1


def backdate(post: Post, revision: Revision) -> None:
    """A demo post was created, last saved and kept when it was published (both paths)."""
    post.created_at = post.updated_at = revision.created_at = post.published_at


def _row(instance, table) -> dict:
    """The row of `table` the ORM would insert for `instance`: its attributes, and the column
    default where an attribute was never set or belongs to another type of post (a diary
    entry's numbers, in a commentary's row of the shared table)."""
    state = inspect(instance)
    attributes = {column: prop.key for prop in state.mapper.column_attrs for column in prop.columns}
    row = {}
    for column in table.columns:
        value = state.dict.get(attributes[column]) if column in attributes else None
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        if value is not None or not column.primary_key:  # else the database gives the id
            row[column.key] = value
    return row


def _insert(table, instances: list, with_ids: bool = False) -> None:
    """One INSERT of all `instances`; `with_ids` gives each the id the database chose."""
    if not instances:
        return
    rows = [_row(instance, table) for instance in instances]
    if not with_ids:
        db.session.execute(insert(table), rows)
        return
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for instance, new_id in zip(instances, db.session.scalars(statement, rows), strict=True):
        instance.id = new_id


def write_posts(posts: list[Post]) -> None:
    """What posts.saving.save does to a derived post, for all of them: a new version, the
    rows (the key expressions' copies of their posts' too), a revision, the search entry
    (search.index_posts makes index_post's rows) and the page cache's version."""
    revisions = []
    for post in posts:
        post.touch()
        revisions.append(revision := Revision(version=post.version, data=schema.snapshot(post)))
        backdate(post, revision)
    _insert(Post.__table__, posts, with_ids=True)
    commentaries = [post for post in posts if isinstance(post, Commentary)]
    _insert(Commentary.__table__, commentaries)
    blocks = []
    for commentary in commentaries:
        for block in commentary.blocks:
            block.commentary_id = commentary.id
            blocks.append(block)
    _insert(Block.__table__, blocks, with_ids=True)
    expressions = []
    for block in blocks:
        for row in block.expression_rows:
            row.block_id = block.id
            expressions.append(row)
    _insert(KeyExpression.__table__, expressions)
    saving.copy_to_key_expressions([commentary.id for commentary in commentaries])
    tags = [
        {"post_id": post.id, "tag_id": link.tag.id, "position": link.position}
        for post in posts
        for link in post.tag_links
    ]
    if tags:  # (an empty list would run the INSERT once, with no values)
        db.session.execute(insert(post_tag), tags)
    for post, revision in zip(posts, revisions, strict=True):
        revision.post_id = post.id
    _insert(Revision.__table__, revisions)
    search.index_posts(posts)
    pagecache.content_changed()


def write_comments(comments: list[Comment]) -> None:
    _insert(Comment.__table__, comments, with_ids=True)


def _build(build, batch: list[dict]) -> list[Post]:
    """In a worker: the posts of `batch`, built, derived (rendered) and addressed as the save
    path does it, but never added to a session (so the posts that Post.tags' backref adds to
    their tags are never flushed)."""
    with db.session.no_autoflush:
        posts = [build(data) for data in batch]
        for post in posts:
            post.derive()
            post.choose_address()
    db.session.remove()
    return posts


def write_each(batches, build):
    """The posts of each batch, built by `build` in WORKERS forked processes
    (rendering is most of the work) and written here, in order, so ids follow the batches."""
    db.session.commit()  # the workers look the demo tags up
    db.session.remove()
    db.engine.dispose()  # no connection may be shared with a forked process
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        waiting = deque()
        for batch in batches:
            waiting.append(pool.apply_async(_build, (build, batch)))
            if len(waiting) > WORKERS:
                yield _written(waiting.popleft())
        while waiting:
            yield _written(waiting.popleft())
    search.optimize()
    db.session.commit()


def _written(result) -> list[Post]:
    write_posts(posts := result.get())
    return posts
