"""registration numbers, attachments, GM mailbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:43:04.624408

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


APPEND_ONLY = {
    # History rows may be added, never changed.
    "postgresql": [
        """CREATE FUNCTION hub_refuse_update() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END;
           $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER letter_events_append_only BEFORE UPDATE ON letter_events
           FOR EACH ROW EXECUTE FUNCTION hub_refuse_update()""",
    ],
    "sqlite": [
        """CREATE TRIGGER letter_events_append_only BEFORE UPDATE ON letter_events
           BEGIN SELECT RAISE(ABORT, 'letter_events is append-only'); END""",
    ],
}
DROP_APPEND_ONLY = {
    "postgresql": ["DROP TRIGGER IF EXISTS letter_events_append_only ON letter_events",
                   "DROP FUNCTION IF EXISTS hub_refuse_update()"],
    "sqlite": ["DROP TRIGGER IF EXISTS letter_events_append_only"],
}


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_table('registration_counters',
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_registration_counters'))
    )
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_department_id', sa.Integer(), nullable=True),
    sa.Column('receipt_hash', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('accept_due_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('suggestion', 'issue', 'complaint', 'other')", name=op.f('ck_letters_known_category')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'assigned', 'resolved', 'answered', 'archived', 'rejected')", name=op.f('ck_letters_known_status')),
    sa.CheckConstraint('NOT (anonymous AND author_id IS NOT NULL)', name=op.f('ck_letters_anonymous_no_author')),
    sa.ForeignKeyConstraint(['author_department_id'], ['departments.id'], name=op.f('fk_letters_author_department_id_departments')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_letters_author_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_letters_department_id_departments')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_letters_handler_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('number', name=op.f('uq_letters_number')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_letters_receipt_hash')),
    sa.UniqueConstraint('year', 'seq', name='uq_letters_year_seq')
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_filed_on'), ['filed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_status'), ['status'], unique=False)

    op.create_table('letter_attachments',
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_letter_attachments_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_attachments_letter_id_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('letter_id', 'attachment_id', name=op.f('pk_letter_attachments'))
    )
    op.create_table('letter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_letter_events_actor_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_letter_events_department_id_departments')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_letter_events_handler_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_events_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_events'))
    )
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_events_letter_id'), ['letter_id'], unique=False)
    _run(APPEND_ONLY)


def downgrade():
    _run(DROP_APPEND_ONLY)
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_events_letter_id'))

    op.drop_table('letter_events')
    op.drop_table('letter_attachments')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_status'))
        batch_op.drop_index(batch_op.f('ix_letters_handler_id'))
        batch_op.drop_index(batch_op.f('ix_letters_filed_on'))
        batch_op.drop_index(batch_op.f('ix_letters_department_id'))
        batch_op.drop_index(batch_op.f('ix_letters_author_id'))

    op.drop_table('letters')
    op.drop_table('registration_counters')
    op.drop_table('attachments')
