"""talk rules: people's probation end date, make-up meetings, one reminder to acknowledge

``users.probation_ends_on`` (the 转正 date HR keeps, from which the 转正面谈 opens itself),
``meetings.makeup_of`` (the missed obligation a meeting outside the window makes up for,
补谈) and ``talk_participants.reminded_at`` (the one reminder to acknowledge a talk record).
Plain ADD/DROP COLUMN, all nullable.

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-05 20:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('probation_ends_on', sa.Date(), nullable=True))
    op.add_column('meetings', sa.Column('makeup_of', sa.String(length=120), nullable=True))
    op.add_column('talk_participants', sa.Column('reminded_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('talk_participants', 'reminded_at')
    op.drop_column('meetings', 'makeup_of')
    op.drop_column('users', 'probation_ends_on')
