"""accountability register (责任追究): entries and their history

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accountability_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('source_kind', sa.String(length=30), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.Column('source_ref', sa.String(length=120), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.Column('since', sa.DateTime(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decision', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('appeal_text', sa.Text(), nullable=True),
        sa.Column('appealed_at', sa.DateTime(), nullable=True),
        sa.Column('appeal_state', sa.String(length=20), nullable=True),
        sa.Column('appeal_answer', sa.Text(), nullable=True),
        sa.Column('appeal_answered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'excused', 'penalised', 'withdrawn')",
                           name=op.f('ck_accountability_entries_known_status')),
        sa.CheckConstraint("appeal_state IS NULL OR appeal_state IN "
                           "('pending', 'upheld', 'withdrawn')",
                           name=op.f('ck_accountability_entries_known_appeal_state')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_accountability_entries_decided_by_id_users')),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_accountability_entries_department_id_departments')),
        sa.ForeignKeyConstraint(['person_id'], ['users.id'],
                                name=op.f('fk_accountability_entries_person_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_entries')),
        sa.UniqueConstraint('person_id', 'kind', 'source_kind', 'source_ref',
                            name='uq_accountability_lapse'),
    )
    with op.batch_alter_table('accountability_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_entries_decided_at'),
                              ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_entries_department_id'),
                              ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_entries_person_id'),
                              ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_entries_status'),
                              ['status'], unique=False)

    op.create_table(
        'accountability_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_accountability_events_actor_id_users')),
        sa.ForeignKeyConstraint(['entry_id'], ['accountability_entries.id'],
                                name=op.f('fk_accountability_events_entry_id_accountability_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_events')),
    )
    with op.batch_alter_table('accountability_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_events_entry_id'), ['entry_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('accountability_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accountability_events_entry_id'))
    op.drop_table('accountability_events')
    with op.batch_alter_table('accountability_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accountability_entries_status'))
        batch_op.drop_index(batch_op.f('ix_accountability_entries_person_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_entries_department_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_entries_decided_at'))
    op.drop_table('accountability_entries')
