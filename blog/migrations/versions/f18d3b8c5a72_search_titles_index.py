"""on PostgreSQL, a GIN index of the search index's title rows alone, so that a common word's
titles are found without reading every row it is in (SQLite's FTS5 needs none)

Revision ID: f18d3b8c5a72
Revises: d18c2a7f4e61
Create Date: 2027-01-22 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f18d3b8c5a72'
down_revision = 'd18c2a7f4e61'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS search_index_titles ON search_index USING GIN (terms)"
            " WHERE part = 'title'"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS search_index_titles")
