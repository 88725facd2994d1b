"""talks and meetings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_filename', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('attachment_mimetype', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('attachment_content', sa.Text(), nullable=True))

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('one_on_one', 'skip_level', 'cross_team', 'performance', 'onboarding', 'probation', 'underperformance', 'attitude', 'commendation', 'family')", name=op.f('ck_meetings_meeting_known_kind')),
    sa.CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'cancelled')", name=op.f('ck_meetings_meeting_known_status')),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 240', name=op.f('ck_meetings_meeting_duration_range')),
    sa.ForeignKeyConstraint(['organizer_id'], ['users.id'], name=op.f('fk_meetings_organizer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_start_at'), ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_status'), ['status'], unique=False)

    op.create_table('meeting_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=20), nullable=False),
    sa.Column('proposed_start_at', sa.DateTime(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("response IN ('pending', 'accepted', 'declined', 'proposed')", name=op.f('ck_meeting_participants_meeting_known_response')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_participants_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_participants')),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_participant')
    )
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_participants_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_participants_user_id'), ['user_id'], unique=False)

    op.create_table('talk_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('agreements', sa.Text(), nullable=False),
    sa.Column('private_note', sa.Text(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('one_on_one', 'skip_level', 'cross_team', 'performance', 'onboarding', 'probation', 'underperformance', 'attitude', 'commendation', 'family')", name=op.f('ck_talk_logs_talk_known_kind')),
    sa.CheckConstraint('duration_minutes BETWEEN 1 AND 480', name=op.f('ck_talk_logs_talk_duration_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_talk_logs_author_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_talk_logs_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_logs')),
    sa.UniqueConstraint('number', name='uq_talk_logs_number')
    )
    with op.batch_alter_table('talk_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_logs_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_logs_held_at'), ['held_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_logs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_logs_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('talk_action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talk_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('carried_to_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['carried_to_id'], ['talk_logs.id'], name=op.f('fk_talk_action_items_carried_to_id_talk_logs')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_talk_action_items_done_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_talk_action_items_owner_id_users')),
    sa.ForeignKeyConstraint(['talk_id'], ['talk_logs.id'], name=op.f('fk_talk_action_items_talk_id_talk_logs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_action_items'))
    )
    with op.batch_alter_table('talk_action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_action_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_action_items_talk_id'), ['talk_id'], unique=False)

    op.create_table('talk_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talk_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('commented_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['talk_id'], ['talk_logs.id'], name=op.f('fk_talk_participants_talk_id_talk_logs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_talk_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_participants')),
    sa.UniqueConstraint('talk_id', 'user_id', name='uq_talk_participant')
    )
    with op.batch_alter_table('talk_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_participants_talk_id'), ['talk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talk_participants_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('talk_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_talk_participants_talk_id'))

    op.drop_table('talk_participants')
    with op.batch_alter_table('talk_action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_action_items_talk_id'))
        batch_op.drop_index(batch_op.f('ix_talk_action_items_owner_id'))

    op.drop_table('talk_action_items')
    with op.batch_alter_table('talk_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_logs_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_talk_logs_kind'))
        batch_op.drop_index(batch_op.f('ix_talk_logs_held_at'))
        batch_op.drop_index(batch_op.f('ix_talk_logs_author_id'))

    op.drop_table('talk_logs')
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_participants_meeting_id'))

    op.drop_table('meeting_participants')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_status'))
        batch_op.drop_index(batch_op.f('ix_meetings_start_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_organizer_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_column('attachment_content')
        batch_op.drop_column('attachment_mimetype')
        batch_op.drop_column('attachment_filename')
