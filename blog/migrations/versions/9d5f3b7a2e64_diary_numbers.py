"""diary numbers: weight, exercise and meals on diary entries, private unless chosen

Revision ID: 9d5f3b7a2e64
Revises: 8c4e2a6f9d31
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d5f3b7a2e64'
down_revision = '8c4e2a6f9d31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight_kg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('exercise_kind', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('exercise_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('meals', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('metrics_public', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('metrics_public')
        batch_op.drop_column('meals')
        batch_op.drop_column('exercise_minutes')
        batch_op.drop_column('exercise_kind')
        batch_op.drop_column('weight_kg')
