"""post indexes for lists and the trash

Revision ID: bbcc0fdb8d66
Revises: 4c5eb3cd32c3
Create Date: 2026-11-29 18:27:29.963200

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bbcc0fdb8d66'
down_revision = '4c5eb3cd32c3'
branch_labels = None
depends_on = None


IN_TRASH = sa.text("deleted_at IS NOT NULL")


def upgrade():
    # Only the trash looks posts up by deletion time; see Post.__table_args__.
    op.drop_index("ix_post_deleted_at", table_name="post")
    op.create_index(
        "ix_post_deleted_at",
        "post",
        ["deleted_at"],
        sqlite_where=IN_TRASH,
        postgresql_where=IN_TRASH,
    )
    # Readers' lists and their counts are read from these alone.
    op.drop_index("ix_post_kind", table_name="post")
    op.create_index("ix_post_listing", "post", ["visibility", "published_at", "deleted_at"])
    op.create_index(
        "ix_post_section_listing", "post", ["kind", "visibility", "published_at", "deleted_at"]
    )


def downgrade():
    op.drop_index("ix_post_section_listing", table_name="post")
    op.drop_index("ix_post_listing", table_name="post")
    op.create_index("ix_post_kind", "post", ["kind"])
    op.drop_index("ix_post_deleted_at", table_name="post")
    op.create_index("ix_post_deleted_at", "post", ["deleted_at"])
