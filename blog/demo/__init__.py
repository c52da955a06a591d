"""Demo content for `flask --app app seed-demo`: realistic public posts, the same for one seed.

content.py makes post data in the shape of a revision (Faker for names, companies and dates,
a small pool of Korean sentences); `_build_post` makes each post of it as the editors do, so
its HTML, excerpt and reading time are the site's own. Two paths store the posts and give
the same rows, ids included (tests/test_demo.py compares every table):

- fewer than BULK_FROM posts: each post through posts.saving.save, each comment an ORM row;
- BULK_FROM posts or more, for benchmarks, bulk.py: the posts are built in worker processes
  (rendering is most of the work: 100,000 posts take 11 minutes of CPU, spread over the
  cores) and written with one INSERT per table and batch, their column values taken from
  the built objects, their ids given by the database.

Both commit every BATCH_SIZE posts, which moves the page cache's version on. Demo posts are
backdated: created, last saved and kept as a revision when they were published.
"""

from dataclasses import dataclass
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..comments.moderation import owner_reply
from ..extensions import db
from ..models import Comment, CommentStatus, Post, Tag, tag_key, utcnow
from ..posts import saving, schema
from . import bulk
from .content import COMMENTARY_TAGS, DIARY_TAGS, Writer

BULK_FROM = 1000
BATCH_SIZE = 1000
YEARS = 5
COMMENTED_SHARE = 0.04
RARE_SHARE = 0.003  # diary entries with a word from content.RARE


class SiteNotEmpty(Exception):
    """The site has posts already and appending was not asked for."""


@dataclass
class Seeded:
    posts: int = 0
    diary: int = 0
    commentary: int = 0
    blocks: int = 0
    comments: int = 0


def _build_post(data: dict) -> Post:
    """The post `data` (post data, see posts.schema) describes, not yet saved."""
    return schema.new_post(data)


def _save_each(batch: list[dict]) -> list[Post]:
    """The save path: each post saved as the editors save it."""
    posts = []
    for data in batch:
        posts.append(post := _build_post(data))
        bulk.backdate(post, saving.save(post))
    return posts


def _add(comments: list[Comment]) -> None:
    db.session.add_all(comments)
    db.session.flush()


def _comment(post: Post, item: dict) -> Comment:
    """An approved reader's comment on `post`, which is stored (its blocks have ids)."""
    block = post.blocks[item["block"]].id if item["block"] is not None else None
    comment = Comment(post_id=post.id, block_id=block, name=item["name"], secret=False)
    comment.set_body(item["body"])
    comment.status, comment.created_at = CommentStatus.APPROVED, item["created_at"]
    return comment


def _reply(parent: Comment, item: dict) -> Comment:
    """The owner's reply to a stored comment, signed as the owner signs replies: with the
    display name, never the login name."""
    name = current_app.config["OWNER_DISPLAY_NAME"]
    reply = owner_reply(parent, name, item["reply"])
    reply.parent_id, reply.created_at = parent.id, item["replied_at"]
    return reply


def _ensure_tags() -> None:
    """Every demo tag, made before the posts so that both paths give them the same ids."""
    existing = set(db.session.scalars(select(Tag.key)))
    for name in DIARY_TAGS + COMMENTARY_TAGS:
        if tag_key(name) not in existing:
            db.session.add(Tag(name))
            existing.add(tag_key(name))
    db.session.flush()


def seed(n: int, seed: int = 1, append=False, progress=None, now=None, bulk_path=None) -> Seeded:
    """Add `n` public posts published over the last YEARS years, with some comments. Refuses
    (SiteNotEmpty) if the site has posts, unless `append`; `bulk_path` forces a path."""
    if not append and db.session.scalar(select(func.count(Post.id))):
        raise SiteNotEmpty("The site has posts already.")
    writer, end = Writer(seed), (now or utcnow()).replace(second=0, microsecond=0)
    # A random stream of their own: bulk.py builds posts ahead, which must not change these.
    talk = Writer(f"comments {seed}")
    start = end - timedelta(days=365 * YEARS)
    # Oldest first, so that post ids follow publication dates as on a real site.
    times = (writer.ko.date_time_between(start, end - timedelta(hours=1), UTC) for _ in range(n))
    dates = sorted(time.replace(microsecond=0) for time in times)
    batches = (
        [writer.post(when, RARE_SHARE) for when in dates[first : first + BATCH_SIZE]]
        for first in range(0, n, BATCH_SIZE)
    )
    _ensure_tags()
    use_bulk = n >= BULK_FROM if bulk_path is None else bulk_path
    if use_bulk:
        written, add = bulk.write_each(batches, _build_post), bulk.write_comments
    else:
        written, add = map(_save_each, batches), _add
    counts = Seeded()
    for posts in written:
        plans = [
            (post, item) for post in posts for item in talk.comments(post, COMMENTED_SHARE, end)
        ]
        comments = [_comment(post, item) for post, item in plans]
        add(comments)  # first: the replies need their ids
        replies = [
            _reply(c, item) for c, (_, item) in zip(comments, plans, strict=True) if item["reply"]
        ]
        add(replies)
        db.session.commit()
        counts.posts += len(posts)
        counts.commentary += sum(post.kind == "commentary" for post in posts)
        counts.blocks += sum(len(post.blocks) for post in posts)
        counts.comments += len(comments) + len(replies)
        if progress:
            progress(counts.posts)
    if use_bulk:  # the bulk writer leaves the tags' counts to one count at the end
        saving.recount_tags()
        db.session.commit()
    counts.diary = counts.posts - counts.commentary
    return counts
