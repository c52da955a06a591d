"""tags' post counts (posts not in the trash and public ones, kept by the save path); the
listing indexes in the lists' order (deletion time before publication time)

Revision ID: c18a4b6e9d20
Revises: b17d2e4f6a81
Create Date: 2027-01-20 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c18a4b6e9d20'
down_revision = 'b17d2e4f6a81'
branch_labels = None
depends_on = None

# The counts of the posts there are (posts.saving.recount_tags, as plain SQL).
COUNT = """
UPDATE tag SET
  kept_posts = (SELECT count(*) FROM post_tag JOIN post ON post.id = post_tag.post_id
                WHERE post_tag.tag_id = tag.id AND post.deleted_at IS NULL),
  public_posts = (SELECT count(*) FROM post_tag JOIN post ON post.id = post_tag.post_id
                  WHERE post_tag.tag_id = tag.id AND post.deleted_at IS NULL
                  AND post.visibility = 'public')
"""


def upgrade():
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_posts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('public_posts', sa.Integer(), server_default='0', nullable=False))
    op.execute(COUNT)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_listing')
        batch_op.drop_index('ix_post_section_listing')
        batch_op.create_index('ix_post_listing', ['visibility', 'deleted_at', 'published_at'], unique=False)
        batch_op.create_index('ix_post_section_listing', ['kind', 'visibility', 'deleted_at', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_section_listing')
        batch_op.drop_index('ix_post_listing')
        batch_op.create_index('ix_post_listing', ['visibility', 'published_at', 'deleted_at'], unique=False)
        batch_op.create_index('ix_post_section_listing', ['kind', 'visibility', 'published_at', 'deleted_at'], unique=False)
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_column('public_posts')
        batch_op.drop_column('kept_posts')
