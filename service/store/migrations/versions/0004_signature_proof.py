"""signature provider and proof

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signature') as batch:
        batch.add_column(sa.Column('provider', sa.String(length=50), server_default='builtin', nullable=False))
        batch.add_column(sa.Column('proof', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signature') as batch:
        batch.drop_column('proof')
        batch.drop_column('provider')
