"""a version's content hash names its files, not the version: an undo deploys older files again

Revision ID: 0008_h6
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""
from alembic import op

revision = '0008_h6'
down_revision = '0008_waits'
branch_labels = None
depends_on = None

NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite's constraint has no name: the batch copy names it by convention to drop it.
        with op.batch_alter_table('process_version', naming_convention=NAMING) as batch:
            batch.drop_constraint('uq_process_version_content_hash', type_='unique')
    else:
        op.drop_constraint('process_version_content_hash_key', 'process_version', type_='unique')
    with op.batch_alter_table('process_version') as batch:
        batch.create_index('ix_process_version_content_hash', ['content_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_version') as batch:
        batch.drop_index('ix_process_version_content_hash')
        batch.create_unique_constraint('process_version_content_hash_key', ['content_hash'])
