"""Engines and sessions for `DATABASE_URL` (SQLite by default, PostgreSQL when grown)."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # No pre-ping: it costs a round trip per transaction. Connections are recycled instead, and a
    # connection lost to a database restart fails one request, which the client may retry.
    engine = create_engine(url, pool_recycle=1800, **kwargs)
    event.listen(engine, "connect", _postgresql_settings)
    return engine


def _postgresql_settings(dbapi_connection, _record):
    """lz4 for the values PostgreSQL compresses: an instance's serialized state (~11 KB) is written at every
    step, and lz4 compresses it several times faster than the default pglz (~0.1 ms of PostgreSQL CPU less per
    write, ~10 % larger). A session setting, so no migration; values written before stay readable. A server
    built without lz4 (or older than PostgreSQL 14) keeps its default."""
    try:
        dbapi_connection.execute("SET default_toast_compression = 'lz4'")
        dbapi_connection.commit()
    except Exception:  # noqa: BLE001 - an optimisation only
        dbapi_connection.rollback()


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets the web process read while a worker writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
