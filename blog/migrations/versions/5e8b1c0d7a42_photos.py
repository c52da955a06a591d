"""photos: uploaded photos, the posts that show them, and each post's first photo

Revision ID: 5e8b1c0d7a42
Revises: c41f7a9e2d18
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e8b1c0d7a42'
down_revision = 'c41f7a9e2d18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=32), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('original_extension', sa.String(length=8), nullable=False),
        sa.Column('original_bytes', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('unused_since', sa.DateTime(), nullable=True),
        sa.Column('last_post_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['last_post_id'], ['post.id'], name=op.f('fk_photo_last_post_id_post'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_photo')),
        sa.UniqueConstraint('digest', name=op.f('uq_photo_digest')),
    )
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_unused_since'), ['unused_since'], unique=False)
    op.create_table(
        'post_photo',
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('photo_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_post_photo_photo_id_photo'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_photo_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('post_id', 'photo_id', name=op.f('pk_post_photo')),
    )
    with op.batch_alter_table('post_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_photo_photo_id'), ['photo_id'], unique=False)
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_photo', sa.String(length=60), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('cover_photo')
    op.drop_table('post_photo')
    op.drop_table('photo')
