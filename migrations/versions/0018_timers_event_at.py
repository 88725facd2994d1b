"""timers per kind, and announcements with an event time

``urgency_timers``: the admin's timer per kind of report and urgency (minutes, the same day,
working days or none; a kind and urgency without a row keeps the default).  On ``reports``:
``handle_rule``, the rule the urgency's timer was set with, and ``handle_met_at``, when it
was met (a customer complaint's first response, or the end of the handling).  On
``announcements``: ``event_at`` (when the interruption a notice announces happens) and
``urgent_reason`` (why it was published less than 24 hours before).  Plain ADD COLUMN, all
nullable: the reports' append-only triggers are on report_events and stay in place.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'urgency_timers',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('urgency', sa.String(length=10), nullable=False),
        sa.Column('rule', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=True),
        sa.CheckConstraint("rule IN ('minutes', 'end_of_day', 'working_days', 'none')",
                           name=op.f('ck_urgency_timers_known_rule')),
        sa.CheckConstraint("(rule IN ('minutes', 'working_days') AND amount > 0) OR "
                           "(rule IN ('end_of_day', 'none') AND amount IS NULL)",
                           name=op.f('ck_urgency_timers_amount_fits_rule')),
        sa.PrimaryKeyConstraint('kind', 'urgency', name=op.f('pk_urgency_timers')),
    )
    op.add_column('reports', sa.Column('handle_rule', sa.String(length=20), nullable=True))
    op.add_column('reports', sa.Column('handle_met_at', sa.DateTime(), nullable=True))
    op.add_column('announcements', sa.Column('event_at', sa.DateTime(), nullable=True))
    op.add_column('announcements', sa.Column('urgent_reason', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('announcements', 'urgent_reason')
    op.drop_column('announcements', 'event_at')
    op.drop_column('reports', 'handle_met_at')
    op.drop_column('reports', 'handle_rule')
    op.drop_table('urgency_timers')
