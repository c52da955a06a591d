"""tags in the order typed: a position for each tag of a post

Revision ID: c41f7a9e2d18
Revises: 6f3a9d2c1b7e
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41f7a9e2d18'
down_revision = '6f3a9d2c1b7e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_tag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
    # Tags were shown by name until now: each post's tags keep that order, numbered from 0.
    op.execute(
        "UPDATE post_tag SET position = ("
        " SELECT count(*) FROM post_tag AS other"
        " JOIN tag AS other_tag ON other_tag.id = other.tag_id"
        " JOIN tag AS this_tag ON this_tag.id = post_tag.tag_id"
        " WHERE other.post_id = post_tag.post_id"
        " AND (other_tag.name < this_tag.name"
        " OR (other_tag.name = this_tag.name AND other_tag.id < this_tag.id)))"
    )


def downgrade():
    with op.batch_alter_table('post_tag', schema=None) as batch_op:
        batch_op.drop_column('position')
