"""key expressions keep a copy of their post's id, visibility, publication and deletion times
and their quote's position, with the glossary's two indexes, so its pages and counts read
one index instead of joining every expression to its quote and post

Revision ID: a19e4c7d2b60
Revises: f18d3b8c5a72
Create Date: 2027-01-23 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19e4c7d2b60'
down_revision = 'f18d3b8c5a72'
branch_labels = None
depends_on = None

# The copies of the rows there are (posts.saving.copy_to_key_expressions, as plain SQL).
COPY = [
    """
UPDATE key_expression SET
  post_id = (SELECT commentary_id FROM block WHERE block.id = key_expression.block_id),
  block_position = (SELECT position FROM block WHERE block.id = key_expression.block_id)
""",
    """
UPDATE key_expression SET
  visibility = (SELECT visibility FROM post WHERE post.id = key_expression.post_id),
  published_at = (SELECT published_at FROM post WHERE post.id = key_expression.post_id),
  deleted_at = (SELECT deleted_at FROM post WHERE post.id = key_expression.post_id)
""",
]
NEWEST_FIRST = [sa.text('published_at DESC'), sa.text('post_id DESC')]
NOT_IN_TRASH = 'deleted_at IS NULL'


def upgrade():
    with op.batch_alter_table('key_expression', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('block_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visibility', sa.Enum('draft', 'private', 'public', name='visibility', native_enum=False, length=10), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_key_expression_post_id'), ['post_id'], unique=False)
    for statement in COPY:
        op.execute(statement)
    op.create_index(
        'ix_key_expression_az',
        'key_expression',
        [sa.text('lower(expression)'), 'expression', *NEWEST_FIRST, 'id', 'visibility', 'deleted_at'],
        sqlite_where=sa.text(NOT_IN_TRASH),
        postgresql_where=sa.text(NOT_IN_TRASH),
    )
    op.create_index(
        'ix_key_expression_listing',
        'key_expression',
        ['visibility', *NEWEST_FIRST, 'block_position', 'position', 'id', 'deleted_at'],
        sqlite_where=sa.text(NOT_IN_TRASH),
        postgresql_where=sa.text(NOT_IN_TRASH),
    )


def downgrade():
    op.drop_index('ix_key_expression_listing', table_name='key_expression')
    op.drop_index('ix_key_expression_az', table_name='key_expression')
    with op.batch_alter_table('key_expression', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_expression_post_id'))
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('published_at')
        batch_op.drop_column('visibility')
        batch_op.drop_column('block_position')
        batch_op.drop_column('post_id')
