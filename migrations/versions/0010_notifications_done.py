"""notifications: the task they ask for (item, task), done_at, and the untranslated message

Older rows keep their stored title and body (shown when ``message`` is empty).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:23:39.209381

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('item', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('task', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_notifications_item_task', ['item', 'task'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_item_task')
        batch_op.drop_column('done_at')
        batch_op.drop_column('task')
        batch_op.drop_column('item')
        batch_op.drop_column('message')
