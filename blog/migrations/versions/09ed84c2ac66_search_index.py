"""search index

Revision ID: 09ed84c2ac66
Revises: 940341083f8e
Create Date: 2026-11-29 15:44:02.564525

"""
from alembic import op
import sqlalchemy as sa

from blog.search import create_index, drop_index, index_terms


# revision identifiers, used by Alembic.
revision = '09ed84c2ac66'
down_revision = '940341083f8e'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    create_index(connection)
    _fill(connection)


def downgrade():
    drop_index(op.get_bind())


def _fill(connection):
    """Index the posts that exist already, from the tables as this revision knows them."""
    parts = []
    for post_id, kind, title, body in connection.execute(
        sa.text("SELECT id, kind, title, body FROM post")
    ):
        parts += [(post_id, "title", title), (post_id, "summary" if kind == "commentary" else "body", body)]
    for post_id, names in connection.execute(
        sa.text(
            "SELECT pt.post_id, t.name FROM post_tag pt JOIN tag t ON t.id = pt.tag_id"
        )
    ):
        parts.append((post_id, "tags", names))
    for post_id, lead, closing in connection.execute(
        sa.text("SELECT id, lead, closing FROM commentary")
    ):
        parts += [(post_id, "lead", lead), (post_id, "closing", closing)]
    for post_id, position, quote, translation, opinion in connection.execute(
        sa.text("SELECT commentary_id, position, quote, translation, opinion FROM block")
    ):
        number = position + 1
        parts += [
            (post_id, f"quote-{number}", quote),
            (post_id, f"translation-{number}", translation),
            (post_id, f"opinion-{number}", opinion),
        ]
    rows = [
        {"terms": index_terms(value), "content": value, "post_id": post_id, "part": part}
        for post_id, part, value in parts
        if value and value.strip()
    ]
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        insert = "INSERT INTO search_index (terms, content, post_id, part) VALUES (:terms, :content, :post_id, :part)"
    else:
        insert = (
            "INSERT INTO search_index (terms, content, post_id, part)"
            " VALUES (to_tsvector('simple', :terms), :content, :post_id, :part)"
        )
    connection.execute(sa.text(insert), rows)
