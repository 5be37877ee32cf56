"""waiting messages and signals: who waits for what, found by name

Revision ID: 0008_waits
Revises: 0006
Create Date: 2026-12-02 13:40:00
"""
import sqlalchemy as sa
from alembic import op

import service.store.models

revision = '0008_waits'
down_revision = '0006'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'waiting_event',
        sa.Column('id', ID, nullable=False),
        sa.Column('instance_id', ID, nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('element_id', sa.String(length=200), nullable=False),
        sa.Column('interrupting', sa.Boolean(), nullable=True),
        sa.Column('attached_to', sa.String(length=200), nullable=True),
        sa.Column('since', service.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id', 'kind', 'name', 'element_id'),
    )
    with op.batch_alter_table('waiting_event') as batch:
        batch.create_index('ix_waiting_event_instance_id', ['instance_id'], unique=False)
        batch.create_index('ix_waiting_event_kind_name', ['kind', 'name'], unique=False)


def downgrade() -> None:
    op.drop_table('waiting_event')
