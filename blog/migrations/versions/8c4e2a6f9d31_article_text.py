"""article text: the article pasted with a commentary, to check its quotes against

Revision ID: 8c4e2a6f9d31
Revises: 7a3d9e5b1c20
Create Date: 2026-12-02 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4e2a6f9d31'
down_revision = '7a3d9e5b1c20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_text', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.drop_column('article_text')
