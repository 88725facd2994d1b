"""talk obligations: cross-team pairs, appraisal dates, occasion talks, appeals, monthly summaries

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('talk_monthly_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_monthly_summaries')),
    sa.UniqueConstraint('month', name=op.f('uq_talk_monthly_summaries_month'))
    )
    op.create_table('talk_monthly_summary_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('owed', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('talks_logged', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_talk_monthly_summary_rows_department_id_departments')),
    sa.ForeignKeyConstraint(['summary_id'], ['talk_monthly_summaries.id'], name=op.f('fk_talk_monthly_summary_rows_summary_id_talk_monthly_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_monthly_summary_rows')),
    sa.UniqueConstraint('summary_id', 'department_id', name='uq_summary_department')
    )
    with op.batch_alter_table('talk_monthly_summary_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_monthly_summary_rows_summary_id'), ['summary_id'], unique=False)

    op.create_table('appraisal_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('goal_setting', 'appraisal')", name=op.f('ck_appraisal_dates_appraisal_known_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_appraisal_dates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_dates')),
    sa.UniqueConstraint('day', 'kind', name='uq_appraisal_day_kind')
    )
    with op.batch_alter_table('appraisal_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_dates_day'), ['day'], unique=False)

    op.create_table('cross_team_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leading_department_id', sa.Integer(), nullable=False),
    sa.Column('partner_department_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('leading_department_id <> partner_department_id', name=op.f('ck_cross_team_pairs_cross_team_two_departments')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cross_team_pairs_created_by_id_users')),
    sa.ForeignKeyConstraint(['leading_department_id'], ['departments.id'], name=op.f('fk_cross_team_pairs_leading_department_id_departments')),
    sa.ForeignKeyConstraint(['partner_department_id'], ['departments.id'], name=op.f('fk_cross_team_pairs_partner_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cross_team_pairs')),
    sa.UniqueConstraint('leading_department_id', 'partner_department_id', name='uq_cross_team_pair')
    )
    with op.batch_alter_table('cross_team_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cross_team_pairs_leading_department_id'), ['leading_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cross_team_pairs_partner_department_id'), ['partner_department_id'], unique=False)

    op.create_table('talk_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('superior_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('schedule_due_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['users.id'], name=op.f('fk_talk_appeals_employee_id_users')),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_talk_appeals_manager_id_users')),
    sa.ForeignKeyConstraint(['superior_id'], ['users.id'], name=op.f('fk_talk_appeals_superior_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_appeals'))
    )
    with op.batch_alter_table('talk_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_appeals_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_appeals_superior_id'), ['superior_id'], unique=False)

    op.create_table('talk_escalations',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=False),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_talk_escalations_to_user_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_talk_escalations'))
    )
    op.create_table('occasion_talks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by_talk_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('onboarding', 'probation', 'underperformance', 'attitude', 'commendation', 'family')", name=op.f('ck_occasion_talks_occasion_known_kind')),
    sa.ForeignKeyConstraint(['closed_by_talk_id'], ['talk_logs.id'], name=op.f('fk_occasion_talks_closed_by_talk_id_talk_logs')),
    sa.ForeignKeyConstraint(['employee_id'], ['users.id'], name=op.f('fk_occasion_talks_employee_id_users')),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_occasion_talks_manager_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_occasion_talks_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occasion_talks'))
    )
    with op.batch_alter_table('occasion_talks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occasion_talks_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_occasion_talks_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occasion_talks_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_occasion_talks_manager_id'), ['manager_id'], unique=False)



def downgrade():
    with op.batch_alter_table('occasion_talks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occasion_talks_manager_id'))
        batch_op.drop_index(batch_op.f('ix_occasion_talks_kind'))
        batch_op.drop_index(batch_op.f('ix_occasion_talks_employee_id'))
        batch_op.drop_index(batch_op.f('ix_occasion_talks_due_date'))

    op.drop_table('occasion_talks')
    op.drop_table('talk_escalations')
    with op.batch_alter_table('talk_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_appeals_superior_id'))
        batch_op.drop_index(batch_op.f('ix_talk_appeals_employee_id'))

    op.drop_table('talk_appeals')
    with op.batch_alter_table('cross_team_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_team_pairs_partner_department_id'))
        batch_op.drop_index(batch_op.f('ix_cross_team_pairs_leading_department_id'))

    op.drop_table('cross_team_pairs')
    with op.batch_alter_table('appraisal_dates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_dates_day'))

    op.drop_table('appraisal_dates')
    with op.batch_alter_table('talk_monthly_summary_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_monthly_summary_rows_summary_id'))

    op.drop_table('talk_monthly_summary_rows')
    op.drop_table('talk_monthly_summaries')
