"""view counts: views of each post by day, and their referrers by day

Revision ID: b17d2e4f6a81
Revises: e17a1c5f0b93
Create Date: 2027-01-10 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b17d2e4f6a81'
down_revision = 'e17a1c5f0b93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'post_view',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('views', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_view_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('day', 'post_id', name=op.f('pk_post_view')),
    )
    with op.batch_alter_table('post_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_view_post_id'), ['post_id'], unique=False)
    op.create_table(
        'referrer_view',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('views', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_referrer_view_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('day', 'post_id', 'kind', 'name', name=op.f('pk_referrer_view')),
    )
    with op.batch_alter_table('referrer_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrer_view_post_id'), ['post_id'], unique=False)


def downgrade():
    op.drop_table('referrer_view')
    op.drop_table('post_view')
