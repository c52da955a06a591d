"""A commentary on an English article and its blocks (quote, translation, opinion)."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, func, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .. import rendering
from ..extensions import db
from ..study import expressions
from ..study.quote_check import QuoteCheck, check_quotes
from .base import UTCDateTime
from .post import Post, Shown, Visibility, rendered_if_written, visibility_type


class KeyExpression(Shown, db.Model):
    """One of a quote's key expressions, with its meaning (blog/study/expressions.py).

    The glossary lists the expressions of every post, A→Z or by post, and counts them for its
    page numbers. Joined to their quotes and posts to learn which a visitor may see and where
    they sort, that was 0.2 s at 100,000 posts. So each row keeps a copy of what decides it:
    its post's id, visibility, publication and deletion times, and its quote's position; the
    glossary then reads one index (ix_key_expression_az, ix_key_expression_listing). The save
    path keeps the copies (posts.saving.copy_to_key_expressions). A row it has not reached
    has no visibility, which no reader is shown.
    """

    __tablename__ = "key_expression"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    expression: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(300), default="")
    # The copies (see above), none of them set by the model. The post's id has no foreign key
    # of its own: the quote's deletes the row with its post.
    post_id: Mapped[int | None] = mapped_column(index=True)
    block_position: Mapped[int | None]
    visibility: Mapped[Visibility | None] = mapped_column(visibility_type())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The glossary's two orders, newest post first within an expression or as the whole order,
# each with what a page filters on, so a page and its count read the index alone. Neither
# visitor is shown the trash: without it in the index, PostgreSQL can read the index in its
# order (it takes "deleted_at IS NULL" for a filter, not for a fixed value, and sorted all).
# Each still ends with the deletion time (always none): SQLite reads a page from the index
# alone only if the index holds every column the query names, this condition's too.
_newest_first = (KeyExpression.published_at.desc(), KeyExpression.post_id.desc())
_not_in_trash = text("deleted_at IS NULL")
Index(
    "ix_key_expression_az",
    func.lower(KeyExpression.expression),
    KeyExpression.expression,
    *_newest_first,
    KeyExpression.id,
    KeyExpression.visibility,
    KeyExpression.deleted_at,
    sqlite_where=_not_in_trash,
    postgresql_where=_not_in_trash,
)
Index(
    "ix_key_expression_listing",
    KeyExpression.visibility,
    *_newest_first,
    KeyExpression.block_position,
    KeyExpression.position,
    KeyExpression.id,
    KeyExpression.deleted_at,
    sqlite_where=_not_in_trash,
    postgresql_where=_not_in_trash,
)


class Block(db.Model):
    """One quote from the article, with the owner's translation, key expressions and opinion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    commentary_id: Mapped[int] = mapped_column(
        ForeignKey("commentary.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[str] = mapped_column(Text, default="")
    opinion_html: Mapped[str] = mapped_column(Text, default="")

    expression_rows: Mapped[list[KeyExpression]] = relationship(
        order_by=KeyExpression.position,
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )

    @property
    def key_expressions(self) -> list[expressions.Expression]:
        return [expressions.Expression(row.expression, row.meaning) for row in self.expression_rows]

    @property
    def expressions(self) -> str:
        """The key expressions as the editor shows them: `expression = meaning`, one a line."""
        return expressions.as_lines(self.key_expressions)

    @expressions.setter
    def expressions(self, lines: str) -> None:
        """Rows for the expressions of `lines`; an expression kept keeps its row."""
        kept = {expressions.key(row.expression): row for row in self.expression_rows}
        rows = []
        for position, expression in enumerate(expressions.parse(lines)):
            row = kept.pop(expressions.key(expression.text), None) or KeyExpression()
            row.expression, row.meaning, row.position = (
                expression.text,
                expression.meaning,
                position,
            )
            rows.append(row)
        self.expression_rows = rows


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
    # The article's text as the owner pasted it, to check the quotes against; never shown to
    # a reader (posts.schema marks it private). Deferred: lists load commentaries, not it.
    article_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)

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

    @property
    def publishable(self) -> bool:
        return self.quote_count > 0

    def quote_check(self) -> QuoteCheck | None:
        """The quotes against the article pasted with them, for the owner's eyes only."""
        return check_quotes(self.article_text, [block.quote for block in self.blocks])

    def replace_blocks(self, items: list[dict]) -> None:
        """Make the blocks exactly `items`, in order. Blocks keep their row when the item
        names its id (so moving a quote keeps what points at it); blank items are dropped."""
        existing = {block.id: block for block in self.blocks}
        blocks = []
        for item in items:
            quote, translation, opinion, lines = (
                item.get(key, "") or ""
                for key in ("quote", "translation", "opinion", "expressions")
            )
            if not (quote.strip() or translation.strip() or opinion.strip()):
                continue
            block = existing.pop(_as_int(item.get("id")), None) or Block()
            block.quote, block.translation, block.opinion = quote, translation, opinion
            block.expressions = lines
            block.position = len(blocks)
            blocks.append(block)
        self.blocks = blocks

    def derive(self) -> None:
        """The excerpt comes from the summary (or else the first quote's translation); the
        reading time counts every part."""
        words = [self.title, self.lead]
        for block in self.blocks:
            block.opinion_html, opinion = rendered_if_written(block.opinion)
            words += [block.quote, block.translation, opinion]
        self.body_html, summary = rendering.render_markdown_with_text(self.body or "")
        self.closing_html, closing = rendered_if_written(self.closing)
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
