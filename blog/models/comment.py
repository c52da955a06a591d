"""Readers' comments and the owner's replies."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import rendering
from ..extensions import db
from .base import UTCDateTime, utcnow
from .commentary import Block
from .post import Post


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
    # The sha256 of the private address's token a reader's comment was sent with (see
    # comments/follow.py); the token itself is never stored. None for the owner's replies and
    # for comments sent before readers could follow them.
    token_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)

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


class CommentChange(db.Model):
    """A writer's edit or deletion of their own comment, by a keyed hash of their address
    (as Comment.address_hash): counted with the comments sent for the rate limit, and
    dropped once the rate limit's window is over."""

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(80), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
