"""Runs Alembic migrations programmatically (`handoff db upgrade`, tests, demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def pending_migrations(engine: Engine) -> list[str]:
    """Revisions not yet applied (used by health checks)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return [rev.revision for rev in script.walk_revisions() if rev.revision not in current
            and not current.intersection(_ancestors(script, rev.revision))] if current else [
        rev.revision for rev in script.walk_revisions()]


def _ancestors(script: ScriptDirectory, revision: str) -> set[str]:
    """Revisions that come after `revision` (if one is applied, so is `revision`)."""
    return {rev.revision for rev in script.iterate_revisions("heads", revision)} - {revision}
