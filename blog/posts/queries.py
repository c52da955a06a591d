"""Looking up posts and comments as the current visitor may see them."""

from datetime import datetime

from flask import abort, current_app
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import selectinload, with_polymorphic

from ..extensions import db
from ..inputs import page_number
from ..models import Comment, Commentary, CommentStatus, Post, Visibility


def owner_signed_in() -> bool:
    return current_user.is_authenticated


def visible_posts(model=Post):
    """A select of the posts of `model` that the current visitor may see, newest first."""
    return (
        db.select(model)
        .where(model.visible_to(owner_signed_in()))
        .order_by(model.published_at.desc().nulls_first(), model.id.desc())
    )


def shown_between(start: datetime, end: datetime):
    """The SQL condition "the post is dated (`shown_date`) from `start` until before `end`",
    written so that the index of publication times finds the rows: the coalesce that
    `shown_date` is in SQL would make the database compute it for every post."""
    return or_(
        and_(Post.published_at >= start, Post.published_at < end),
        and_(Post.published_at.is_(None), Post.created_at >= start, Post.created_at < end),
    )


def get_visible_or_404(model, post_id: int):
    """The post if it exists and this visitor may see it; 404 otherwise, never 403."""
    post = db.session.get(model, post_id)
    if post is None or post.deleted_at or not (owner_signed_in() or post.is_published):
        abort(404)
    return post


def paginate_visible(model):
    return paginate_posts(model)


class _PostsPage(SelectPagination):
    """A page of posts counted by a query of its own over the posts' table (Flask-SQLAlchemy
    counts a subquery of every column, which SQLite read row by row: 0.08 s for the home
    page of 100,000 posts), and sliced by ids (`ids`, see page_of_posts)."""

    def _query_items(self) -> list:
        select, ids = self._query_args["select"], self._query_args["ids"]
        ids = ids.limit(self.per_page).offset(self._query_offset)
        select = select.where(self._query_args["key"].in_(ids))
        return list(self._query_args["session"].scalars(select))

    def _query_count(self) -> int:
        return self._query_args["session"].scalar(self._query_args["counter"])


def page_of_posts(model, conditions: list, per_page: int, owner: bool, count=None):
    """A page (_PostsPage) of the posts of `model` meeting `conditions` (on the posts' table),
    newest first (the owner's undated drafts before all), counted by `count` or by rows."""
    posts = Post.__table__
    if count is None:
        count = db.select(func.count()).select_from(posts).where(*conditions)
    newest = model.published_at.desc().nulls_first()
    select = db.select(model).order_by(newest, model.id.desc())
    # The page's ids sliced from the posts' listing index alone, then the rows read for those
    # only: an OFFSET over whole rows read every skipped post (PostgreSQL, the last of 4,971
    # diary pages: 125 ms) or, for a section with a table of its own, every skipped row of the
    # join too (commentaries: 0.23 s deep in the list, against 0.07).
    order = (posts.c.published_at.desc().nulls_first(), posts.c.id.desc())
    ids = db.select(posts.c.id).where(*conditions).order_by(*order)
    return _PostsPage(
        select=select,
        ids=ids,
        key=model.id,
        counter=count,
        session=db.session(),
        page=page_number(),
        per_page=per_page,
    )


def paginate_posts(model=Post, *conditions, count=None, per_page: int | None = None):
    """A page of the posts of `model` (a section, or both) meeting `conditions` (on Post)
    that the current visitor may see, newest first; `count`, a select of one number, counts
    them when the caller knows a cheaper way (a tag's kept count) than counting rows.

    The count reads ix_post_listing or ix_post_section_listing alone (see page_of_posts)."""
    # The conditions first: SQLite searches its index by the first bound on the publication
    # time it is given, and a reader's "published by now" would walk every post up to now.
    # The owner's visibilities named, so that the count reads the listing index too.
    owner = owner_signed_in()
    where = [*conditions, _visible(owner)]
    if model is not Post:
        where.append(Post.kind == model.__mapper__.polymorphic_identity)
    per_page = per_page or current_app.config["POSTS_PER_PAGE"]
    return page_of_posts(model, where, per_page, owner, count)


def _visible(owner: bool):
    if owner:
        return and_(Post.visibility.in_(list(Visibility)), Post.visible_to(True))
    return Post.visible_to(False)


def visible_comments(post: Post) -> list[Comment]:
    """Top-level comments with their replies, oldest first: approved and not secret for
    visitors; everything but spam for the owner."""
    query = (
        db.select(Comment)
        .where(Comment.post_id == post.id, Comment.parent_id.is_(None))
        .options(selectinload(Comment.replies), selectinload(Comment.block))
        .order_by(Comment.created_at, Comment.id)
    )
    if owner_signed_in():
        query = query.where(Comment.status != CommentStatus.SPAM)
    else:
        query = query.where(Comment.public())
    return list(db.session.scalars(query))


def approved_by_quote(comments: list[Comment]) -> dict[int, list[Comment]]:
    """The approved comments among `comments` (top-level, oldest first) about each quote, by
    block id: what a commentary's quote counts and links to. Read from the comments the page
    shows anyway, so no query of its own."""
    by_quote: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.block_id is not None and comment.status == CommentStatus.APPROVED:
            by_quote.setdefault(comment.block_id, []).append(comment)
    return by_quote


def published_posts(model=Post, limit: int | None = None, tag=None):
    """Public, published posts newest first, whoever asks: what feeds and the sitemap show.
    Commentary blocks are loaded with them (one more query, not one per post)."""
    if model is Post:
        entity = with_polymorphic(Post, [Commentary])
        query = db.select(entity).options(selectinload(entity.Commentary.blocks))
    else:
        entity = model
        query = db.select(model)
        if model is Commentary:
            query = query.options(selectinload(Commentary.blocks))
    query = query.where(entity.published()).order_by(entity.published_at.desc(), entity.id.desc())
    if tag is not None:
        query = query.where(entity.tagged(tag))
    return list(db.session.scalars(query.limit(limit)))


def neighbours(post: Post) -> tuple[Post | None, Post | None]:
    """The section's next newer and next older post this visitor may see."""
    model = type(post)
    visible = model.visible_to(owner_signed_in())
    if post.published_at is None:
        return None, None
    newer = db.session.scalar(
        db.select(model)
        .where(visible, model.published_at > post.published_at)
        .order_by(model.published_at.asc())
        .limit(1)
    )
    older = db.session.scalar(
        db.select(model)
        .where(visible, model.published_at < post.published_at)
        .order_by(model.published_at.desc())
        .limit(1)
    )
    return newer, older
