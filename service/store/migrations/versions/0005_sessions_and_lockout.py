"""token epoch (sessions that end) and failed-login lockout on user

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:40:00
"""
import sqlalchemy as sa
from alembic import op

import service.store.models

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('token_epoch', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('locked_until', service.store.models.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
        batch.drop_column('token_epoch')
