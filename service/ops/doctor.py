"""`handoff doctor`: runs the checks in order, skipping what depends on a broken part, and words the answer.

It builds its own engine and Redis client rather than the service's: it must not
start an embedded Redis, create an empty SQLite file, or wait forever on a host that
does not answer.
"""

from __future__ import annotations

from pathlib import Path

import redis
from sqlalchemy.engine import Engine

from service.config import EMBEDDED, Config
from service.store.db import make_engine

from . import checks, demo_lock
from .checks import Check

CONNECT_TIMEOUT_S = 5


def diagnose(config: Config) -> list[Check]:
    engine = _engine(config)
    try:
        results = _database_checks(config, engine)
    finally:
        engine.dispose()
    return results + _redis_checks(config)


def _engine(config: Config) -> Engine:
    if config.database_url.startswith("sqlite"):
        return make_engine(config.database_url)
    return make_engine(config.database_url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def _database_checks(config: Config, engine: Engine) -> list[Check]:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and path != ":memory:" and not Path(path).exists():
        reached = Check("database", False, f"there is no SQLite database at {path}",
                        "check DATABASE_URL (or HANDOFF_DATA_DIR); `handoff db upgrade` creates a new one")
    else:
        reached = checks.database(engine)
    if not reached.ok:
        return [reached, *(checks.skipped(n, "no database") for n in ("migrations", "processes", "timers"))]
    schema = checks.migrations(engine)
    if not schema.ok:
        return [reached, schema, *(checks.skipped(n, "the schema is not up to date") for n in ("processes", "timers"))]
    return [reached, schema, checks.processes(engine), checks.late_timers(engine)]


def _redis_checks(config: Config) -> list[Check]:
    url, where = config.redis_url, checks.safe_url(config.redis_url)
    if url == EMBEDDED:  # the default: the embedded Redis of the demo running on this data folder, if one runs
        running = demo_lock.read(config.data_dir)
        if running is None or not running.redis_socket:
            return [Check("redis", False, f"REDIS_URL is not set and no `handoff demo` runs on {config.data_dir}: "
                          "only the demo starts an embedded Redis", "start `handoff demo` (or `./dev demo`) here, "
                          "or set REDIS_URL=redis://HOST:6379/0 for every web, worker and sweeper process, and for "
                          "the doctor"),
                    *(checks.skipped(n, "no Redis") for n in ("workers", "sweeper"))]
        url = "unix://" + running.redis_socket
        where = f"the embedded Redis of the demo on {running.url or 'this data folder'} (process {running.pid})"
    connection = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S,
                                      socket_timeout=CONNECT_TIMEOUT_S)
    try:
        reached = checks.redis_reachable(connection, where)
        if not reached.ok:
            return [reached, *(checks.skipped(n, "no Redis") for n in ("workers", "sweeper"))]
        return [reached, checks.workers(connection, [config.timer_queue, config.outbox_queue]),
                checks.sweeper(connection, config.queue_prefix)]
    finally:
        connection.close()


def render(results: list[Check]) -> str:
    """One line per check, the fix below each problem, and a last line that sums it up."""
    width = max(len(c.name) for c in results)
    lines = []
    for check in results:
        mark = "ok" if check.ok else ("skipped" if check.skipped else "PROBLEM")
        lines.append(f"{mark:8} {check.name:{width}}  {check.detail}")
        if check.fix:
            lines.append(f"{'':8} {'':{width}}  fix: {check.fix}")
    problems = [c for c in results if not c.ok and not c.skipped]
    lines.append("all good" if not problems else f"{len(problems)} problem(s): {', '.join(c.name for c in problems)}")
    return "\n".join(lines)
