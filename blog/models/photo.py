"""Uploaded photos and which posts show them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..media.names import PhotoName
from .base import UTCDateTime, utcnow


class Photo(db.Model):
    """One uploaded file, by the hash of its bytes (media/names.py): the same photo uploaded
    twice is one row. Its files live in the media store; this row says what they are and
    whether any post still shows it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(32), unique=True)
    # The size the right way up.
    width: Mapped[int]
    height: Mapped[int]
    original_extension: Mapped[str] = mapped_column(String(8))
    original_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Since when no post (in the trash or not) shows it: after the trash's days it is removed.
    unused_since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The post that showed it last, for the owner's list of photos no post uses.
    last_post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    last_post = relationship("Post", lazy="joined")

    @property
    def name(self) -> PhotoName:
        return PhotoName(self.digest, self.width, self.height)


class PostPhoto(db.Model):
    """A post shows a photo: kept by the one save path (posts.saving) from the post's text."""

    __tablename__ = "post_photo"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True, index=True
    )
