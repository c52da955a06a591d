"""The shared post, the diary entry, tags and revisions."""

import enum
import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    false,
    func,
    inspect,
    text,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import rendering
from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .comment import Comment


def rendered_if_written(source: str | None) -> tuple[str, str]:
    """An optional Markdown text as (sanitised HTML, its words): nothing for a blank one (or
    one not set yet: a new object's column defaults come only when it is inserted)."""
    return rendering.render_markdown_with_text(source) if source and source.strip() else ("", "")


class Visibility(enum.StrEnum):
    DRAFT = "draft"
    PRIVATE = "private"
    PUBLIC = "public"


def tag_key(name: str) -> str:
    """The identity of a tag: `Pilates`, `pilates` and ` pilates ` are one tag; Hangul kept."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(50), unique=True)
    # The posts carrying the tag that are not in the trash, and how many of them are public
    # (scheduled ones too: the tag index takes those still to come off when it reads them).
    # Kept by the save path (posts.saving.recount_tags), so the tag index reads a number a
    # tag instead of counting every link: 250,000 of them at 100,000 posts, 0.26 s.
    kept_posts: Mapped[int] = mapped_column(default=0, server_default="0")
    public_posts: Mapped[int] = mapped_column(default=0, server_default="0")

    def __init__(self, name: str):
        super().__init__(name=name, key=tag_key(name))


class PostTag(db.Model):
    """A tag on a post, at its place in the order the owner typed the post's tags."""

    __tablename__ = "post_tag"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    tag: Mapped[Tag] = relationship(lazy="joined")


post_tag = PostTag.__table__


SLUG_MAX_LENGTH = 80


def slugify(title: str) -> str:
    """A readable URL part in any script: `필라테스 일기!` gives `필라테스-일기`."""
    slug = "-".join(re.findall(r"\w+", unicodedata.normalize("NFC", title).casefold()))
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[:SLUG_MAX_LENGTH].rsplit("-", 1)[0]
    return slug.strip("-_")


def visibility_type() -> db.Enum:
    """The column type of a visibility: its value as text (`public`), checked by the model."""
    return db.Enum(
        Visibility, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
    )


class Shown:
    """Who may see a row, from its `visibility`, `published_at` and `deleted_at`: a post's
    own, or the copy of them a key expression keeps (KeyExpression)."""

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


class Post(Shown, db.Model):
    """What every post shares, in one table; each section adds its own fields.

    `body` is the post's main Markdown text (a diary entry's text, a commentary's summary);
    `body_html`, `excerpt` and `reading_minutes` are derived from it by the rendering module
    when the post is saved, so reading a page never runs Markdown or the sanitiser.
    """

    __table_args__ = (
        # What readers' lists filter on, so a page of them and their count (for the page
        # numbers) are read from an index alone: 6 ms, not 80, to count 50,000 posts. The
        # deletion time (always "none" in a list) before the publication time, so the index
        # is in the lists' order (publication time, then id): with it after, SQLite sorted,
        # or walked ix_post_published_at reading every row (0.09 s deep in a section's list).
        # The id last, as the lists order (SQLite's index holds it anyway): without it
        # PostgreSQL sorted every post for a deep page (60 ms at 100,000 posts).
        Index("ix_post_listing", "visibility", "deleted_at", "published_at", "id"),
        Index("ix_post_section_listing", "kind", "visibility", "deleted_at", "published_at", "id"),
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
    # The readable part of the URL (see choose_address): kept once readers may have it.
    slug: Mapped[str] = mapped_column(String(100), default="")
    visibility: Mapped[Visibility] = mapped_column(visibility_type(), default=Visibility.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Increased by every save; an edit form posts the version it was loaded from.
    version: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(String(400), default="")
    reading_minutes: Mapped[int] = mapped_column(default=1)
    # The first photo the post shows, for lists and sharing: media.names.PhotoName.key, or "".
    cover_photo: Mapped[str] = mapped_column(String(60), default="", server_default="")

    # Set when the owner deletes the post: it waits in the trash, restorable, for 30 days.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The owner can switch comments off per post; existing comments stay.
    comments_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())

    tag_links: Mapped[list[PostTag]] = relationship(
        order_by=PostTag.position,
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
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
    def tagged(cls, tag: Tag):
        """The SQL condition for 'this post has the tag'."""
        return cls.tag_links.any(PostTag.tag_id == tag.id)

    @property
    def tags(self) -> list[Tag]:
        """The post's tags in the order the owner typed them."""
        return [link.tag for link in self.tag_links]

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
    def publishable(self) -> bool:
        """Whether readers would find what the post is for (a commentary needs a quote)."""
        return True

    @hybrid_property
    def shown_date(self) -> datetime:
        """The time a post is dated by: its publication time, or for a draft or a private
        post saved without one, when it was written. In SQL too."""
        return self.published_at or self.created_at

    @shown_date.inplace.expression
    @classmethod
    def _shown_date_expression(cls):
        return func.coalesce(cls.published_at, cls.created_at, type_=UTCDateTime)

    @property
    def heading(self) -> str:
        """What the post is called on its page, in lists and in links: its title, or for an
        untitled entry the opening words of its text (blank with neither: templates then show
        its date). Read from the stored excerpt, so no Markdown runs to show it."""
        return self.title or rendering.opening_words(self.excerpt)[0]

    @property
    def excerpt_below_heading(self) -> str:
        """The excerpt a list shows under the heading: an untitled entry's goes on after the
        words that head it, rather than repeating them."""
        return self.excerpt if self.title else rendering.opening_words(self.excerpt)[1]

    def derive(self) -> None:
        """The stored HTML, excerpt and reading time, from the text as it now is: once per
        save (posts.saving), so that reading a page never runs Markdown or the sanitiser."""
        self.body_html, words = rendering.render_markdown_with_text(
            self.body or "", opens_page=True
        )
        self.excerpt = rendering.excerpt(words)
        self.reading_minutes = rendering.reading_minutes(words)

    def choose_address(self) -> None:
        """The readable part of the URL, from the heading (the title, or an untitled entry's
        opening words, so run after `derive`). It follows the words until the post first
        leaves the drafts (the save that publishes it still chooses), and then stays, so links
        readers have keep working; a post saved without one (an untitled entry from before they
        had one) gets one, and its numbered address redirects there."""
        if not self.slug or self._new_or_draft_until_now():
            self.slug = slugify(self.heading)

    def _new_or_draft_until_now(self) -> bool:
        """Whether the post is new or was a draft before this change, whatever the order its
        title, text and publication were set in."""
        if self.id is None:
            return True
        history = inspect(self).attrs.visibility.load_history()
        # A value set over one the session never loaded has no "before": the new one counts.
        before = [*history.deleted, *history.unchanged] or list(history.added)
        return Visibility.DRAFT in before

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
        """The post's tags are `names`, in that order (distinct names: the editor's
        TagListField gives them so). A tag the post keeps keeps its row, at its new place."""
        keys = [tag_key(name) for name in names]
        existing = {
            tag.key: tag for tag in db.session.scalars(db.select(Tag).where(Tag.key.in_(keys)))
        }
        kept = {link.tag.key: link for link in self.tag_links}
        links = []
        for position, name in enumerate(names):
            key = tag_key(name)
            link = kept.get(key) or PostTag(tag=existing.get(key) or Tag(name))
            link.position = position
            links.append(link)
        self.tag_links = links


class DiaryEntry(Post):
    """A diary entry: Markdown text, a date, an optional title, and a few numbers of the
    owner's day (all optional), which only the owner sees unless `metrics_public`."""

    # In the post table: few and small, and a quick weigh-in is an entry like any other.
    weight_kg: Mapped[float | None] = mapped_column(Float)
    exercise_kind: Mapped[str] = mapped_column(String(40), default="", server_default="")
    exercise_minutes: Mapped[int | None]
    meals: Mapped[str] = mapped_column(Text, default="", server_default="")
    metrics_public: Mapped[bool] = mapped_column(default=False, server_default=false())

    # No quotes to comment on (a commentary's are its `blocks`).
    blocks: ClassVar[tuple] = ()

    # Loaded with every post (they are columns of the post table), so a list of posts shows
    # them without a query per entry.
    __mapper_args__ = {"polymorphic_identity": "diary", "polymorphic_load": "inline"}

    @property
    def has_metrics(self) -> bool:
        return (
            self.weight_kg is not None
            or self.exercise_minutes is not None
            or bool(self.exercise_kind)
            or bool(self.meals)
        )

    @property
    def exercised(self) -> bool:
        """Whether the entry records exercise: a kind, or minutes of it."""
        return bool(self.exercise_kind) or bool(self.exercise_minutes)

    def metrics_shown(self, owner_signed_in: bool) -> bool:
        """Whether this visitor sees the numbers: the owner always, readers when published."""
        return self.has_metrics and (owner_signed_in or self.metrics_public)

    @property
    def publishable(self) -> bool:
        """Readers need something to read: text, or numbers that are theirs to see."""
        return bool(self.body and self.body.strip()) or (self.metrics_public and self.has_metrics)


# The owner's metrics page (diary/numbers.py) reads weights and exercise by the time an
# entry is dated (shown_date) from these two indexes alone, never from the posts' rows (which
# hold their text): at 100,000 entries a period's figures take milliseconds, not a scan of
# 80. `kind` leads, as the ORM says `kind IN ('diary')` of every query of entries (SQLite
# would otherwise prefer the lists' index on kind); `id` follows the time, the order the
# moving average reads them in.
_post = Post.__table__
_shown = func.coalesce(_post.c.published_at, _post.c.created_at)
_not_in_trash = "deleted_at IS NULL"
Index(
    "ix_post_weighed",
    _post.c.kind,
    _shown,
    _post.c.id,
    _post.c.weight_kg,
    sqlite_where=text(f"weight_kg IS NOT NULL AND {_not_in_trash}"),
    postgresql_where=text(f"weight_kg IS NOT NULL AND {_not_in_trash}"),
    # PostgreSQL reads an expression from an index without the row only when the index has
    # its columns too (an index-only scan: a year of weights in half the time).
    postgresql_include=["published_at", "created_at"],
)
Index(
    "ix_post_exercised",
    _post.c.kind,
    _shown,
    _post.c.id,
    _post.c.exercise_minutes,
    _post.c.exercise_kind,
    sqlite_where=text(f"{_not_in_trash} AND (exercise_kind != '' OR exercise_minutes > 0)"),
    postgresql_where=text(f"{_not_in_trash} AND (exercise_kind != '' OR exercise_minutes > 0)"),
    postgresql_include=["published_at", "created_at"],
)


class Revision(db.Model):
    """A post as it was saved: every save keeps one, so any earlier text can come back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(db.JSON)

    post: Mapped[Post] = relationship(back_populates="revisions")
