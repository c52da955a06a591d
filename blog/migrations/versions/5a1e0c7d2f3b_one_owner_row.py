"""one owner row: the owner's id is always 1, and a CHECK allows no other

Revision ID: 5a1e0c7d2f3b
Revises: bbcc0fdb8d66
Create Date: 2026-12-14 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1e0c7d2f3b'
down_revision = 'bbcc0fdb8d66'
branch_labels = None
depends_on = None


def upgrade():
    owner_ids = op.get_bind().execute(sa.text("SELECT id FROM owner")).scalars().all()
    if len(owner_ids) > 1:
        # Two setup requests at once could create two owners before this revision. Which one
        # is the real owner is the operator's choice, not the migration's.
        raise RuntimeError(
            f"The owner table has {len(owner_ids)} rows (ids {sorted(owner_ids)}); delete all "
            "but the real owner's (DELETE FROM owner WHERE id = …), then upgrade again."
        )
    if owner_ids and owner_ids[0] != 1:
        op.execute("UPDATE owner SET id = 1")
    with op.batch_alter_table('owner', schema=None) as batch_op:
        batch_op.create_check_constraint('one_row', 'id = 1')


def downgrade():
    with op.batch_alter_table('owner', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_owner_one_row'), type_='check')
