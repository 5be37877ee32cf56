"""README's "new install" walk-through, run as written on an empty database: from nothing to a rep's first task.

The two shell blocks marked ``first-run`` in README.md are executed by bash (the install block with
the real `handoff` command; the people block with curl and jq against the service over HTTP), so
the README cannot drift from what works. No `handoff demo`: the database starts empty.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from werkzeug.serving import make_server

from service import runtime
from service.app import create_app
from service.config import Config
from tests.conftest import BACKEND, PG_URL
from tests.support import REPO

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "first-admin-pass-1"


def readme_block(name: str) -> str:
    text = (REPO / "README.md").read_text()
    found = re.search(rf"<!-- first-run: {name} -->\n```sh\n(.*?)```", text, re.S)
    assert found, f"README.md has no first-run block {name!r}"
    return found.group(1)


@pytest.fixture
def empty_database(tmp_path):
    """A database nobody has migrated or seeded: a new SQLite file, or a new PostgreSQL database."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"first_run_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def bash(script: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def test_the_readme_walks_an_empty_install_to_a_reps_first_task(empty_database, redis_url, tmp_path):
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "DATABASE_URL": empty_database,
           "REDIS_URL": redis_url, "HANDOFF_DATA_DIR": str(tmp_path), "HANDOFF_QUEUE_PREFIX": "first-run",
           "HANDOFF_SECRET_KEY": "first-run-secret-0123456789abcdef", "ADMIN_PASSWORD": ADMIN_PASSWORD,
           "HANDOFF_LOG_LEVEL": "WARNING"}
    installed = bash(readme_block("install"), env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "administrator admin created" in installed.stdout

    config = replace(Config.from_env(env), login_limit_per_address="1000/minute")
    services = runtime.build(config)
    server = make_server("127.0.0.1", 0, create_app(config, services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        script = readme_block("people").replace("http://localhost:8000", f"http://127.0.0.1:{server.server_port}")
        walked = bash(script, env)
    finally:
        server.shutdown()
        thread.join(5)
        services.db_engine.dispose()
    assert walked.returncode == 0, walked.stdout + walked.stderr
    project_id, *first_tasks = walked.stdout.split("\n")
    assert project_id.isdigit()
    assert [t for t in first_tasks if t] == ["Describe the won opportunity"]
