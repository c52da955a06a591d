"""The outbox of mail to the owner about comments waiting for approval (blog/notify/)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .comment import Comment


class CommentMail(db.Model):
    """One comment the owner is to hear of, stored with the comment in one transaction.

    The site's own processes send it (blog/notify/outbox.py): a process claims due rows by
    writing its claim and how long it holds them, so two processes never send one mail twice,
    and a process that dies mid-send lets the claim lapse for another to take.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When to (try to) send it; None once sent or given up.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    tries: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship()
