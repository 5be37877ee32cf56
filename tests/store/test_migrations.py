"""The migrations build exactly the schema the models describe (nothing forgotten in a revision)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from service.store.migrate import pending_migrations
from service.store.models import Base


def test_migrated_database_matches_the_models_and_nothing_is_pending(services):
    with services.db_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert pending_migrations(services.db_engine) == []
