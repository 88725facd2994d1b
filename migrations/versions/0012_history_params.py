"""history entries: the message key and parameters of the steps the hub words itself

``params`` (JSON) on letter_events and report_events, so a timeline renders those steps in
the reader's language.  Older rows keep their stored text (``params`` empty).  Plain
ADD/DROP COLUMN, not a batch copy: the tables' append-only triggers stay in place.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('letter_events', sa.Column('params', sa.JSON(), nullable=True))
    op.add_column('report_events', sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('report_events', 'params')
    op.drop_column('letter_events', 'params')
