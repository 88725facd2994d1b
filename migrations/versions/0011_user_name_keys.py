"""people's names as pinyin keys, so the directory finds 何磊 by helei or hl

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_keys', sa.String(length=255), server_default='',
                                      nullable=False))
    from hub.org.models import name_keys_text

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('name_keys', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.name)).all()
    for user_id, name in rows:
        bind.execute(users.update().where(users.c.id == user_id)
                     .values(name_keys=name_keys_text(name)))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name_keys')
