"""the listing indexes end with the post's id, the lists' last order: PostgreSQL then reads a
deep page's ids from the index in order instead of sorting every post (SQLite's indexes hold
the id already)

Revision ID: d18c2a7f4e61
Revises: c18a4b6e9d20
Create Date: 2027-01-21 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd18c2a7f4e61'
down_revision = 'c18a4b6e9d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_listing')
        batch_op.drop_index('ix_post_section_listing')
        batch_op.create_index('ix_post_listing', ['visibility', 'deleted_at', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_post_section_listing', ['kind', 'visibility', 'deleted_at', 'published_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_section_listing')
        batch_op.drop_index('ix_post_listing')
        batch_op.create_index('ix_post_listing', ['visibility', 'deleted_at', 'published_at'], unique=False)
        batch_op.create_index('ix_post_section_listing', ['kind', 'visibility', 'deleted_at', 'published_at'], unique=False)
