"""likes and page facets: 공감 totals per post, the day's marks per reader, and the versions of
the parts of pages that change on their own (the page cache's facets)

Revision ID: e17a1c5f0b93
Revises: a17c0e3d5b90
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17a1c5f0b93'
down_revision = 'a17c0e3d5b90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'page_facet',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_page_facet')),
    )
    op.create_table(
        'like_total',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['post_id'], ['post.id'], name=op.f('fk_like_total_post_id_post'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('post_id', name=op.f('pk_like_total')),
    )
    op.create_table(
        'like_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reader_hash', sa.String(length=80), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['post_id'], ['post.id'], name=op.f('fk_like_mark_post_id_post'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_like_mark')),
        sa.UniqueConstraint(
            'reader_hash', 'post_id', 'day', name=op.f('uq_like_mark_reader_hash')
        ),
    )
    op.create_index('ix_like_mark_day', 'like_mark', ['day'], unique=False)
    op.create_index(op.f('ix_like_mark_post_id'), 'like_mark', ['post_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_like_mark_post_id'), table_name='like_mark')
    op.drop_index('ix_like_mark_day', table_name='like_mark')
    op.drop_table('like_mark')
    op.drop_table('like_total')
    op.drop_table('page_facet')
