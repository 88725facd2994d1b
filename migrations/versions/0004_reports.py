"""suggestions, complaints and reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:59:38.587648

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


APPEND_ONLY_TABLES = ("report_events", "report_audit")


def _append_only(create: bool) -> None:
    """History and audit rows may be added, never changed (the function comes from 0003)."""
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            if create:
                op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION hub_refuse_update()")
        elif dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
            if create:
                op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def upgrade():
    op.create_table('report_routes',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['handling_units.id'], name=op.f('fk_report_routes_unit_id_handling_units')),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_report_routes'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_department_id', sa.Integer(), nullable=True),
    sa.Column('receipt_hash', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('ack_due_at', sa.DateTime(), nullable=False),
    sa.Column('feedback_due_at', sa.DateTime(), nullable=False),
    sa.Column('handle_due_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('expected_benefit', sa.Text(), nullable=True),
    sa.Column('reward_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('reward_note', sa.String(length=200), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('suggestion', 'complaint', 'whistleblowing', 'issue', 'safety', 'customer')", name=op.f('ck_reports_known_kind')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'assigned', 'adopted', 'declined', 'resolved', 'answered', 'closed')", name=op.f('ck_reports_known_status')),
    sa.CheckConstraint("urgency IN ('urgent', 'high', 'normal')", name=op.f('ck_reports_known_urgency')),
    sa.CheckConstraint('NOT (anonymous AND author_id IS NOT NULL)', name=op.f('ck_reports_anonymous_no_author')),
    sa.ForeignKeyConstraint(['author_department_id'], ['departments.id'], name=op.f('fk_reports_author_department_id_departments')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reports_author_id_users')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_reports_handler_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['handling_units.id'], name=op.f('fk_reports_unit_id_handling_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('kind', 'year', 'seq', name='uq_reports_kind_year_seq'),
    sa.UniqueConstraint('number', name=op.f('uq_reports_number')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_reports_receipt_hash'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_author_department_id'), ['author_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_filed_on'), ['filed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_unit_id'), ['unit_id'], unique=False)

    op.create_table('rectifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('request_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_text', sa.Text(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_rectifications_department_id_departments')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_rectifications_done_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_rectifications_report_id_reports')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_rectifications_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectifications'))
    )
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectifications_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectifications_report_id'), ['report_id'], unique=False)

    op.create_table('report_attachments',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_report_attachments_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_attachments_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'attachment_id', name=op.f('pk_report_attachments'))
    )
    op.create_table('report_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_audit_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_audit_report_id_reports')),
    sa.ForeignKeyConstraint(['unit_id'], ['handling_units.id'], name=op.f('fk_report_audit_unit_id_handling_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_audit'))
    )
    with op.batch_alter_table('report_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_audit_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_audit_unit_id'), ['unit_id'], unique=False)

    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_events_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_events_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_events_report_id'), ['report_id'], unique=False)

    op.create_table('report_exclusions',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('excluded_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['excluded_by_id'], ['users.id'], name=op.f('fk_report_exclusions_excluded_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_exclusions_report_id_reports')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_exclusions_user_id_users')),
    sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_report_exclusions'))
    )
    op.create_table('report_named_people',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_named_people_report_id_reports')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_named_people_user_id_users')),
    sa.PrimaryKeyConstraint('report_id', 'user_id', name=op.f('pk_report_named_people'))
    )
    _append_only(create=True)


def downgrade():
    _append_only(create=False)
    op.drop_table('report_named_people')
    op.drop_table('report_exclusions')
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_events_report_id'))

    op.drop_table('report_events')
    with op.batch_alter_table('report_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_audit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_report_audit_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_audit_at'))

    op.drop_table('report_audit')
    op.drop_table('report_attachments')
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectifications_report_id'))
        batch_op.drop_index(batch_op.f('ix_rectifications_department_id'))

    op.drop_table('rectifications')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reports_status'))
        batch_op.drop_index(batch_op.f('ix_reports_kind'))
        batch_op.drop_index(batch_op.f('ix_reports_handler_id'))
        batch_op.drop_index(batch_op.f('ix_reports_filed_on'))
        batch_op.drop_index(batch_op.f('ix_reports_author_id'))
        batch_op.drop_index(batch_op.f('ix_reports_author_department_id'))

    op.drop_table('reports')
    op.drop_table('report_routes')
