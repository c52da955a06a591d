"""diary numbers: the metrics page's indexes of weights and exercise by the time entries are dated

Revision ID: e4b7c2a9d815
Revises: 9d5f3b7a2e64
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7c2a9d815'
down_revision = '9d5f3b7a2e64'
branch_labels = None
depends_on = None

SHOWN = sa.text('coalesce(published_at, created_at)')
WEIGHED = "weight_kg IS NOT NULL AND deleted_at IS NULL"
EXERCISED = "deleted_at IS NULL AND (exercise_kind != '' OR exercise_minutes > 0)"


def upgrade():
    op.create_index(
        'ix_post_weighed',
        'post',
        ['kind', SHOWN, 'id', 'weight_kg'],
        sqlite_where=sa.text(WEIGHED),
        postgresql_where=sa.text(WEIGHED),
        postgresql_include=['published_at', 'created_at'],
    )
    op.create_index(
        'ix_post_exercised',
        'post',
        ['kind', SHOWN, 'id', 'exercise_minutes', 'exercise_kind'],
        sqlite_where=sa.text(EXERCISED),
        postgresql_where=sa.text(EXERCISED),
        postgresql_include=['published_at', 'created_at'],
    )


def downgrade():
    op.drop_index('ix_post_exercised', table_name='post')
    op.drop_index('ix_post_weighed', table_name='post')
