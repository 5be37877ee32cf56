"""people: the language a person reads Handoff in, their mobile and their team-chat ids

Revision ID: 0010_people_language_chat
Revises: 0009_incidents
Create Date: 2026-12-03 11:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_people_language_chat'
down_revision = '0009_incidents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user', sa.Column('locale', sa.String(length=16), nullable=True))
    op.add_column('user', sa.Column('mobile', sa.String(length=32), nullable=True))
    op.add_column('user', sa.Column('chat_ids', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `user` would break the keys pointing at it.
    for column in ('chat_ids', 'mobile', 'locale'):
        op.drop_column('user', column)
