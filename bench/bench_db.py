"""A throwaway PostgreSQL database for one benchmark: created if missing, emptied on each run.

Benchmarks never touch `test`, the database the test suite owns.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fresh_database(name: str) -> str:
    """Returns the `postgresql://` URL of database `name`, whose public schema is now empty."""
    if name == "test":
        raise ValueError("the test suite owns database `test`")
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url
