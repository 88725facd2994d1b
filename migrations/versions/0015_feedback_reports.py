"""periodic feedback reports: obligations (who owes which report, how often, due when, to
whom) and the reports, opened per person and period and filed once

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('clause', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('filers', sa.String(length=16), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('anchor_month', sa.Integer(), nullable=True),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('summary_days', sa.Integer(), nullable=True),
    sa.Column('summary_to_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("frequency IN ('weekly', 'monthly', 'quarterly')", name=op.f('ck_feedback_obligations_known_frequency')),
    sa.CheckConstraint("filers IN ('members', 'head')", name=op.f('ck_feedback_obligations_known_filers')),
    sa.CheckConstraint('window_days >= 1 AND due_days >= 0', name=op.f('ck_feedback_obligations_sane_days')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_feedback_obligations_department_id_departments')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_feedback_obligations_recipient_id_users')),
    sa.ForeignKeyConstraint(['summary_to_id'], ['users.id'], name=op.f('fk_feedback_obligations_summary_to_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_obligations')),
    sa.UniqueConstraint('code', name=op.f('uq_feedback_obligations_code'))
    )
    with op.batch_alter_table('feedback_obligations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_obligations_department_id'), ['department_id'], unique=False)

    op.create_table('feedback_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('report', 'summary')", name=op.f('ck_feedback_reports_known_role')),
    sa.ForeignKeyConstraint(['obligation_id'], ['feedback_obligations.id'], name=op.f('fk_feedback_reports_obligation_id_feedback_obligations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_feedback_reports_person_id_users')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_feedback_reports_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_reports')),
    sa.UniqueConstraint('obligation_id', 'period', 'role', 'person_id', name='uq_feedback_reports_once')
    )
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_reports_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_reports_obligation_id'), ['obligation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_reports_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_reports_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_reports_recipient_id'), ['recipient_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_reports_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_reports_person_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_reports_period'))
        batch_op.drop_index(batch_op.f('ix_feedback_reports_obligation_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_reports_due_on'))

    op.drop_table('feedback_reports')
    with op.batch_alter_table('feedback_obligations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_obligations_department_id'))

    op.drop_table('feedback_obligations')
