"""held anonymous filings, released into the records in batches

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_filings',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('receipt_hash', sa.String(length=64), nullable=False),
        sa.Column('release_after', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_filings')),
        sa.UniqueConstraint('receipt_hash', name=op.f('uq_held_filings_receipt_hash')),
    )
    op.create_index(op.f('ix_held_filings_release_after'), 'held_filings', ['release_after'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_held_filings_release_after'), table_name='held_filings')
    op.drop_table('held_filings')
