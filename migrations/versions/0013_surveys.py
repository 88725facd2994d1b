"""satisfaction surveys: questionnaires, their audience, "has answered" markers, answers

``survey_participants`` (survey, person; no time, no own id) and ``survey_responses``
(random key, no person, no time) are separate on purpose: the answers enter the table
through the release batches of anonymous filings, shuffled.

Revision ID: 0013
Revises: 0016
Create Date: 2026-12-05 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('standard', 'upward')", name=op.f('ck_surveys_known_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_surveys_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_opens_at'), ['opens_at'], unique=False)

    op.create_table('survey_audience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.CheckConstraint("(kind = 'all' AND department_id IS NULL AND role IS NULL) OR (kind = 'department' AND department_id IS NOT NULL AND role IS NULL) OR (kind = 'role' AND role IS NOT NULL AND department_id IS NULL)", name=op.f('ck_survey_audience_one_target')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_survey_audience_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_audience_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_audience'))
    )
    with op.batch_alter_table('survey_audience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_audience_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_audience_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_participants',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_participants_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_participants'))
    )
    with op.batch_alter_table('survey_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_participants_user_id'), ['user_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('scale', 'choice', 'text')", name=op.f('ck_survey_questions_known_kind')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_survey_responses_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_survey_responses_manager_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_participants_user_id'))

    op.drop_table('survey_participants')
    with op.batch_alter_table('survey_audience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_audience_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_audience_department_id'))

    op.drop_table('survey_audience')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_opens_at'))
        batch_op.drop_index(batch_op.f('ix_surveys_closes_at'))
        batch_op.drop_index(batch_op.f('ix_surveys_author_id'))

    op.drop_table('surveys')
