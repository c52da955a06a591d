"""commenters follow their comment: the hash of each reader's private token, and their edits for the rate limit

Revision ID: c17f3a5b7d92
Revises: e4b7c2a9d815
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c17f3a5b7d92'
down_revision = 'e4b7c2a9d815'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_comment_token_hash', ['token_hash'], unique=True)
    op.create_table(
        'comment_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address_hash', sa.String(length=80), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_comment_change'),
    )
    with op.batch_alter_table('comment_change', schema=None) as batch_op:
        batch_op.create_index('ix_comment_change_address_hash', ['address_hash'], unique=False)
        batch_op.create_index('ix_comment_change_changed_at', ['changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('comment_change', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_change_changed_at')
        batch_op.drop_index('ix_comment_change_address_hash')
    op.drop_table('comment_change')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_token_hash')
        batch_op.drop_column('token_hash')
