"""incidents: a failed step of an instance, what to replay, who resolved it and how

Revision ID: 0009_incidents
Revises: 0008_groups
Create Date: 2026-12-02 19:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_incidents'
down_revision = '0008_groups'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'incident',
        sa.Column('id', ID, primary_key=True),
        sa.Column('instance_id', ID, sa.ForeignKey('instance.id'), nullable=False),
        sa.Column('process_id', sa.String(length=200), nullable=False),
        sa.Column('element_id', sa.String(length=200), nullable=True),
        sa.Column('element_name', sa.String(length=300), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('trigger', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', ID, sa.ForeignKey('user.id'), nullable=True),
        sa.Column('resolution', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
    )
    op.create_index('ix_incident_instance_id', 'incident', ['instance_id'])
    op.create_index('ix_incident_process_id', 'incident', ['process_id'])
    op.create_index('ix_incident_status_created', 'incident', ['status', 'created_at'])


def downgrade() -> None:
    op.drop_table('incident')
