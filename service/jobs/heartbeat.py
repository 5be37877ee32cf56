"""Heartbeats: a sorted set per role where each live process keeps pushing its own expiry forward.

RQ registers its workers itself; the sweeper (and its punctual dispatcher) had no
trace in Redis, so `handoff doctor` could not tell whether one runs. One ZADD per
sweep is the whole cost; a process that dies simply stops renewing its entry.
"""

from __future__ import annotations

import os
import socket
import time

import redis

SWEEPER = "sweeper"


def heartbeat_key(prefix: str, role: str) -> str:
    return f"{prefix}:heartbeat:{role}"


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(connection: redis.Redis, prefix: str, role: str, ttl_s: float, name: str | None = None) -> None:
    """Says "alive for the next `ttl_s` seconds" and forgets processes whose time ran out."""
    now = time.time()
    key = heartbeat_key(prefix, role)
    with connection.pipeline(transaction=False) as pipe:
        pipe.zadd(key, {name or process_name(): now + ttl_s})
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.execute()


def alive(connection: redis.Redis, prefix: str, role: str) -> list[str]:
    """Names of the processes whose last heartbeat has not expired yet."""
    members = connection.zrangebyscore(heartbeat_key(prefix, role), time.time(), "+inf")
    return sorted(m.decode() for m in members)


def stop(connection: redis.Redis, prefix: str, role: str, name: str | None = None) -> None:
    """Leaves the set on a clean shutdown, so the doctor does not count a stopped process for a while."""
    connection.zrem(heartbeat_key(prefix, role), name or process_name())
