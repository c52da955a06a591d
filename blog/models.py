"""Typed models: the owner, the shared post, the diary entry and tags."""

import enum
import re
import secrets
import unicodedata
from datetime import UTC, date, datetime
from typing import ClassVar

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    func,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from . import rendering
from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def _rendered(source: str | None) -> tuple[str, str]:
    """An optional Markdown text as (sanitised HTML, its words): nothing for a blank one (or
    one not set yet: a new object's column defaults come only when it is inserted)."""
    return rendering.render_markdown_with_text(source) if source and source.strip() else ("", "")


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime, stored naive so SQLite and PostgreSQL behave the same."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# The owner's row always has this id, and a CHECK allows no other: two processes creating
# the owner at once (the setup link, `flask set-owner`) cannot both succeed.
OWNER_ID = 1


class Owner(UserMixin, db.Model):
    """The one person who writes and moderates. There is never more than one row."""

    __table_args__ = (CheckConstraint(f"id = {OWNER_ID}", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=OWNER_ID)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login's id for this owner. Rotating it ends every copy of the session cookie
    # (and of the remember cookie), which a signed client-side session cannot do by itself.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # When the login this object was loaded for began (set by the user loader, in Unix
    # seconds); None for an owner looked up to log in, whose login begins now.
    login_started_at = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and in the remember cookie: the session token
        and when the login began, so that the user loader can refuse logins past their life."""
        started = self.login_started_at or int(utcnow().timestamp())
        return f"{self.session_token}.{started}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()


class LoginFailure(db.Model):
    """One failed login, keyed by a hash of the name tried or of the address it came from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Visibility(enum.StrEnum):
    DRAFT = "draft"
    PRIVATE = "private"
    PUBLIC = "public"


post_tag = Table(
    "post_tag",
    db.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def tag_key(name: str) -> str:
    """The identity of a tag: `Pilates`, `pilates` and ` pilates ` are one tag; Hangul kept."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(50), unique=True)

    def __init__(self, name: str):
        super().__init__(name=name, key=tag_key(name))


SLUG_MAX_LENGTH = 80


def slugify(title: str) -> str:
    """A readable URL part in any script: `필라테스 일기!` gives `필라테스-일기`."""
    slug = "-".join(re.findall(r"\w+", unicodedata.normalize("NFC", title).casefold()))
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[:SLUG_MAX_LENGTH].rsplit("-", 1)[0]
    return slug.strip("-_")


class Post(db.Model):
    """What every post shares, in one table; each section adds its own fields.

    `body` is the post's main Markdown text (a diary entry's text, a commentary's summary);
    `body_html`, `excerpt` and `reading_minutes` are derived from it by the rendering module
    when the post is saved, so reading a page never runs Markdown or the sanitiser.
    """

    __table_args__ = (
        # What readers' lists filter on, so a page of them and their count (for the page
        # numbers) are read from an index alone: 6 ms, not 80, to count 50,000 posts.
        Index("ix_post_listing", "visibility", "published_at", "deleted_at"),
        Index("ix_post_section_listing", "kind", "visibility", "published_at", "deleted_at"),
        # Only the trash looks posts up by deletion time. An index of every post's (null)
        # deletion time would tempt SQLite into scanning all posts for "not deleted" instead
        # of reading the newest by publication time (90 ms at 100,000 posts, not 0.1).
        Index(
            "ix_post_deleted_at",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300), default="")
    # Chosen once from the first title and kept, so a post's URL survives a retitle.
    slug: Mapped[str] = mapped_column(String(100), default="")
    visibility: Mapped[Visibility] = mapped_column(
        db.Enum(
            Visibility, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
        ),
        default=Visibility.DRAFT,
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Increased by every save; an edit form posts the version it was loaded from.
    version: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(String(400), default="")
    reading_minutes: Mapped[int] = mapped_column(default=1)

    # Set when the owner deletes the post: it waits in the trash, restorable, for 30 days.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The owner can switch comments off per post; existing comments stay.
    comments_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())

    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tag, order_by=Tag.name, lazy="selectin", backref="posts"
    )
    revisions: Mapped[list["Revision"]] = relationship(
        back_populates="post",
        order_by="Revision.version.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post",
        order_by="Comment.created_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "post"}

    # The language of the title, where it is not the page's (Korean): for its lang attribute.
    title_lang: ClassVar[str | None] = None

    @classmethod
    def published(cls, now: datetime | None = None):
        """The SQL condition for 'a visitor may see this post'."""
        return and_(
            cls.visibility == Visibility.PUBLIC,
            cls.published_at <= (now or utcnow()),
            cls.deleted_at.is_(None),
        )

    @classmethod
    def visible_to(cls, owner_signed_in: bool):
        """Everything but the trash for the owner; published posts for everyone else."""
        return cls.deleted_at.is_(None) if owner_signed_in else cls.published()

    @property
    def state(self) -> str:
        """draft, private, scheduled or public: what the owner's badges show."""
        if self.visibility == Visibility.PUBLIC and self.published_at > utcnow():
            return "scheduled"
        return self.visibility.value

    @property
    def is_published(self) -> bool:
        return self.deleted_at is None and self.state == Visibility.PUBLIC.value

    @property
    def shown_date(self) -> datetime:
        return self.published_at or self.created_at

    @validates("title")
    def _address_follows_title(self, key: str, title: str) -> str:
        # The URL follows the title until the post first leaves the drafts; then it stays.
        if self.id is None or self.visibility in (None, Visibility.DRAFT):
            self.slug = slugify(title)
        return title

    def derive(self) -> None:
        """The stored HTML, excerpt and reading time, from the text as it now is: once per
        save (posts.saving), so that reading a page never runs Markdown or the sanitiser."""
        self.body_html, words = rendering.render_markdown_with_text(self.body or "")
        self.excerpt = rendering.excerpt(words)
        self.reading_minutes = rendering.reading_minutes(words)

    def set_publication(self, visibility: Visibility, published_at: datetime | None) -> None:
        """Blank publication time on a public post means now; a future one schedules it."""
        if visibility == Visibility.PUBLIC and published_at is None:
            published_at = utcnow()
        self.visibility = visibility
        self.published_at = published_at

    def touch(self) -> None:
        """Record a save: a new version number, so older edit forms are seen to be stale."""
        self.version = self.version + 1 if self.id else 1
        self.updated_at = utcnow()

    def set_tags(self, names: list[str]) -> None:
        keys = [tag_key(name) for name in names]
        existing = {
            tag.key: tag for tag in db.session.scalars(db.select(Tag).where(Tag.key.in_(keys)))
        }
        self.tags = [existing.get(tag_key(name)) or Tag(name) for name in names]


class DiaryEntry(Post):
    """A diary entry is a post and nothing more: Markdown text, a date, an optional title."""

    __mapper_args__ = {"polymorphic_identity": "diary"}


class Block(db.Model):
    """One quote from the article, with the owner's translation and opinion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    commentary_id: Mapped[int] = mapped_column(
        ForeignKey("commentary.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[str] = mapped_column(Text, default="")
    opinion_html: Mapped[str] = mapped_column(Text, default="")


class Commentary(Post):
    """A commentary on an English article: the article, ordered blocks, a summary.

    The shared `title` is the article's headline and the shared `body` is the summary.
    """

    id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    outlet: Mapped[str] = mapped_column(String(200), default="")
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    lead: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    closing_html: Mapped[str] = mapped_column(Text, default="")

    blocks: Mapped[list[Block]] = relationship(
        order_by=Block.position, cascade="all, delete-orphan", passive_deletes=True
    )
    # Counted in SQL, so lists show "N quotes" without loading any block.
    quote_count: Mapped[int] = column_property(
        select(func.count(Block.id)).where(Block.commentary_id == id).scalar_subquery()
    )

    # "inline": a query for posts of both sections loads these columns in the same query.
    __mapper_args__ = {"polymorphic_identity": "commentary", "polymorphic_load": "inline"}

    title_lang = "en"  # the article's headline

    def replace_blocks(self, items: list[dict]) -> None:
        """Make the blocks exactly `items`, in order. Blocks keep their row when the item
        names its id (so moving a quote keeps what points at it); blank items are dropped."""
        existing = {block.id: block for block in self.blocks}
        blocks = []
        for item in items:
            quote, translation, opinion = (
                item.get(key, "") or "" for key in ("quote", "translation", "opinion")
            )
            if not (quote.strip() or translation.strip() or opinion.strip()):
                continue
            block = existing.pop(_as_int(item.get("id")), None) or Block()
            block.quote, block.translation, block.opinion = quote, translation, opinion
            block.position = len(blocks)
            blocks.append(block)
        self.blocks = blocks

    def derive(self) -> None:
        """The excerpt comes from the summary (or else the first quote's translation); the
        reading time counts every part."""
        words = [self.title, self.lead]
        for block in self.blocks:
            block.opinion_html, opinion = _rendered(block.opinion)
            words += [block.quote, block.translation, opinion]
        self.body_html, summary = rendering.render_markdown_with_text(self.body or "")
        self.closing_html, closing = _rendered(self.closing)
        words += [summary, closing]
        if not summary and self.blocks:
            summary = self.blocks[0].translation or self.blocks[0].quote
        self.excerpt = rendering.excerpt(summary)
        self.reading_minutes = rendering.reading_minutes("\n".join(w for w in words if w))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Revision(db.Model):
    """A post as it was saved: every save keeps one, so any earlier text can come back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(db.JSON)

    post: Mapped[Post] = relationship(back_populates="revisions")


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"


class Comment(db.Model):
    """A reader's comment (or the owner's reply), shown only once the owner approves it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    # The quote this comment answers, if any; a removed block leaves the comment on the post.
    block_id: Mapped[int | None] = mapped_column(ForeignKey("block.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(50))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(
        db.Enum(
            CommentStatus,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=CommentStatus.PENDING,
        index=True,
    )
    secret: Mapped[bool] = mapped_column(default=False)
    by_owner: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A keyed hash of the sender's address with a daily salt, for the rate limit and the
    # block list; emptied after 30 days.
    address_hash: Mapped[str | None] = mapped_column(String(80), index=True)

    post: Mapped[Post] = relationship(back_populates="comments")
    block: Mapped[Block | None] = relationship()
    replies: Mapped[list["Comment"]] = relationship(
        order_by="Comment.created_at", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_body(self, body: str) -> None:
        self.body = body
        self.body_html = rendering.render_comment(body)

    @classmethod
    def public(cls):
        """The SQL condition for 'a visitor may see this comment'."""
        return and_(cls.status == CommentStatus.APPROVED, cls.secret.is_(False))


class Setting(db.Model):
    """The owner's site settings, one row per key (block lists, comment rules)."""

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class SiteState(db.Model):
    """One row: a number that changes whenever anything a visitor can see changes.

    Public pages are identified by it (ETag), so a reader's browser or any cache can be told
    "not modified" without rendering, across all workers and machines, with one cheap query.
    A scheduled post's time arriving changes it too (see caching.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    content_version: Mapped[int] = mapped_column(default=1)
    # The earliest publication time still in the future, when the version must change again.
    next_publication_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
