"""key expressions: a quote's expressions and their meanings, rows of their own

Revision ID: 7a3d9e5b1c20
Revises: 5e8b1c0d7a42
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3d9e5b1c20'
down_revision = '5e8b1c0d7a42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'key_expression',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('block_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('expression', sa.String(length=200), nullable=False),
        sa.Column('meaning', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['block_id'], ['block.id'], name=op.f('fk_key_expression_block_id_block'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_key_expression')),
    )
    with op.batch_alter_table('key_expression', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_expression_block_id'), ['block_id'], unique=False)


def downgrade():
    op.drop_table('key_expression')
