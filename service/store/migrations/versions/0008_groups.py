"""a task offered to several candidate groups: task.candidate_groups and the task_group lookup of open tasks

Revision ID: 0008_groups
Revises: 0008_h6
Create Date: 2026-12-02 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_groups'
down_revision = '0008_h6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task') as batch:
        batch.add_column(sa.Column('candidate_groups', sa.JSON(), nullable=True))
    op.create_table(
        'task_group',
        sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('group_name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('task_id', 'group_name'),
    )
    op.create_index('ix_task_group_name_task', 'task_group', ['group_name', 'task_id'])
    # Every task so far had one group; an open one is offered to it.
    op.execute("INSERT INTO task_group (task_id, group_name) "
               "SELECT id, candidate_group FROM task WHERE candidate_group IS NOT NULL AND status = 'open'")
    array = "json_build_array" if op.get_bind().dialect.name == "postgresql" else "json_array"
    op.execute(f"UPDATE task SET candidate_groups = {array}(candidate_group) WHERE candidate_group IS NOT NULL")


def downgrade() -> None:
    op.drop_index('ix_task_group_name_task', table_name='task_group')
    op.drop_table('task_group')
    # Not batch mode: SQLite (3.35+) drops a column in place; copying `task` would break the keys pointing at it.
    op.drop_column('task', 'candidate_groups')
