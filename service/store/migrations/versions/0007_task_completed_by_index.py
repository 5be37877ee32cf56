"""index task.completed_by: the instance list's visibility condition looks people's completed work up

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 07:00:00
"""
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_task_completed_by', 'task', ['completed_by'])


def downgrade() -> None:
    op.drop_index('ix_task_completed_by', table_name='task')
