"""comment mail: the outbox of mail to the owner about comments waiting for approval

Revision ID: a17c0e3d5b90
Revises: c17f3a5b7d92
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0e3d5b90'
down_revision = 'c17f3a5b7d92'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'comment_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('gave_up_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_mail_comment_id_comment'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_mail')),
    )
    with op.batch_alter_table('comment_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_mail_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_mail_due_at'), ['due_at'], unique=False)


def downgrade():
    op.drop_table('comment_mail')
