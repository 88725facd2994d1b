"""announcements: audience rules, versions, confirmations, reads, reminders, digest

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcement_digest',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_up_to', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_digest_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_announcement_digest'))
    )
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('publish_at', sa.DateTime(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('pinned_until', sa.DateTime(), nullable=True),
    sa.Column('requires_confirmation', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('order', 'resolution', 'plan', 'policy', 'notice')", name=op.f('ck_announcements_known_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_announcements_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    sa.UniqueConstraint('number', name=op.f('uq_announcements_number')),
    sa.UniqueConstraint('year', 'seq', name='uq_announcements_year_seq')
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_publish_at'), ['publish_at'], unique=False)

    op.create_table('announcement_attachments',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_attachments_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_announcement_attachments_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('announcement_id', 'attachment_id', name=op.f('pk_announcement_attachments'))
    )
    op.create_table('announcement_audience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.CheckConstraint("(kind = 'all' AND department_id IS NULL AND role IS NULL) OR (kind = 'department' AND department_id IS NOT NULL AND role IS NULL) OR (kind = 'role' AND role IS NOT NULL AND department_id IS NULL)", name=op.f('ck_announcement_audience_one_target')),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_audience_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_announcement_audience_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_audience'))
    )
    with op.batch_alter_table('announcement_audience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_audience_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_audience_department_id'), ['department_id'], unique=False)

    op.create_table('announcement_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_confirmations_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_confirmations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_confirmations')),
    sa.UniqueConstraint('announcement_id', 'version', 'user_id', name='uq_announcement_confirmations')
    )
    with op.batch_alter_table('announcement_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_confirmations_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_confirmations_user_id'), ['user_id'], unique=False)

    op.create_table('announcement_nudges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('remind', 'escalate')", name=op.f('ck_announcement_nudges_known_nudge')),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_nudges_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_nudges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_nudges')),
    sa.UniqueConstraint('announcement_id', 'version', 'user_id', 'kind', name='uq_announcement_nudges')
    )
    with op.batch_alter_table('announcement_nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_nudges_announcement_id'), ['announcement_id'], unique=False)

    op.create_table('announcement_reads',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_reads_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'user_id', name=op.f('pk_announcement_reads'))
    )
    op.create_table('announcement_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('effective_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_versions_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_announcement_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_versions')),
    sa.UniqueConstraint('announcement_id', 'version', name='uq_announcement_versions')
    )
    with op.batch_alter_table('announcement_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_versions_announcement_id'), ['announcement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('announcement_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_versions_announcement_id'))

    op.drop_table('announcement_versions')
    op.drop_table('announcement_reads')
    with op.batch_alter_table('announcement_nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_nudges_announcement_id'))

    op.drop_table('announcement_nudges')
    with op.batch_alter_table('announcement_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_confirmations_user_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_confirmations_announcement_id'))

    op.drop_table('announcement_confirmations')
    with op.batch_alter_table('announcement_audience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_audience_department_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_audience_announcement_id'))

    op.drop_table('announcement_audience')
    op.drop_table('announcement_attachments')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_publish_at'))
        batch_op.drop_index(batch_op.f('ix_announcements_kind'))
        batch_op.drop_index(batch_op.f('ix_announcements_author_id'))

    op.drop_table('announcements')
    op.drop_table('announcement_digest')
