"""process versions a worker could not load

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_version') as batch:
        batch.add_column(sa.Column('unusable_reason', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_version') as batch:
        batch.drop_column('unusable_reason')
