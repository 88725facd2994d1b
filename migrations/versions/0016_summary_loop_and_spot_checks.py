"""the monthly talk summary's loop and the GM office's spot checks

Each department head's summary of a month (draft → submitted → approved / returned →
published) with its history, and the spot checks (抽查) of talk logs with their findings.

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-05 20:26:35

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('talk_spot_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=False),
    sa.Column('requested', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_talk_spot_checks_checker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_spot_checks'))
    )
    with op.batch_alter_table('talk_spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_spot_checks_month'), ['month'], unique=False)

    op.create_table('talk_department_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('owed', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('talks_logged', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('announcement_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved', 'published')", name=op.f('ck_talk_department_summaries_department_summary_status')),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_talk_department_summaries_announcement_id_announcements')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_talk_department_summaries_department_id_departments')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_talk_department_summaries_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_talk_department_summaries_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_department_summaries')),
    sa.UniqueConstraint('month', 'department_id', name='uq_department_summary_month')
    )
    with op.batch_alter_table('talk_department_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_department_summaries_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_department_summaries_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_department_summaries_status'), ['status'], unique=False)

    op.create_table('talk_department_summary_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_talk_department_summary_events_actor_id_users')),
    sa.ForeignKeyConstraint(['summary_id'], ['talk_department_summaries.id'], name=op.f('fk_talk_department_summary_events_summary_id_talk_department_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_department_summary_events'))
    )
    with op.batch_alter_table('talk_department_summary_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_department_summary_events_summary_id'), ['summary_id'], unique=False)

    op.create_table('talk_spot_check_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('talk_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=True),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("verdict IS NULL OR verdict IN ('ok', 'issue')", name=op.f('ck_talk_spot_check_items_spot_check_verdict')),
    sa.ForeignKeyConstraint(['check_id'], ['talk_spot_checks.id'], name=op.f('fk_talk_spot_check_items_check_id_talk_spot_checks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_talk_spot_check_items_checked_by_id_users')),
    sa.ForeignKeyConstraint(['talk_id'], ['talk_logs.id'], name=op.f('fk_talk_spot_check_items_talk_id_talk_logs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_spot_check_items')),
    sa.UniqueConstraint('check_id', 'talk_id', name='uq_spot_check_talk')
    )
    with op.batch_alter_table('talk_spot_check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_spot_check_items_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_spot_check_items_talk_id'), ['talk_id'], unique=False)



def downgrade():
    with op.batch_alter_table('talk_spot_check_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_spot_check_items_talk_id'))
        batch_op.drop_index(batch_op.f('ix_talk_spot_check_items_check_id'))

    op.drop_table('talk_spot_check_items')
    with op.batch_alter_table('talk_department_summary_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_department_summary_events_summary_id'))

    op.drop_table('talk_department_summary_events')
    with op.batch_alter_table('talk_department_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_department_summaries_status'))
        batch_op.drop_index(batch_op.f('ix_talk_department_summaries_month'))
        batch_op.drop_index(batch_op.f('ix_talk_department_summaries_department_id'))

    op.drop_table('talk_department_summaries')
    with op.batch_alter_table('talk_spot_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_spot_checks_month'))

    op.drop_table('talk_spot_checks')
