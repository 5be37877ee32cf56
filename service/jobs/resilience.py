"""Waiting out an outage of Redis or the database: backoff, one log line per outage, never an exit.

Workers and sweepers are long-lived processes that nobody may be watching: a Redis restart
or a PostgreSQL failover must not end them (a supervisor would restart them, but
correctness must not depend on one), and must not fill the logs with a traceback per
retry either. An outage is logged when it starts and when it ends; in between the
process retries with a capped exponential backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from sqlalchemy import text

from service.store.outage import database_unavailable

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def is_outage(error: BaseException) -> bool:
    """Redis or the database cannot be reached (or is too busy): wait and retry, it is not a bug."""
    return isinstance(error, REDIS_ERRORS) or database_unavailable(error)


@dataclass
class Backoff:
    """0.5 s, 1 s, 2 s, ... up to `cap_s`; `reset` after a success."""

    first_s: float = 0.5
    cap_s: float = 10.0
    _next: float = field(default=0.0, init=False)

    def next_wait(self) -> float:
        self._next = self.first_s if not self._next else min(self.cap_s, self._next * 2)
        return self._next

    def reset(self) -> None:
        self._next = 0.0


@dataclass
class Outage:
    """Logs "down" once when `failed` is first called and "back" once on the next `recovered`."""

    log: logging.Logger
    what: str
    since: float | None = None

    def failed(self, error: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.log.warning("%s unavailable (%s); retrying with backoff until it is back", self.what, _brief(error))

    def recovered(self) -> None:
        if self.since is not None:
            self.log.warning("%s available again after %.1f s", self.what, time.monotonic() - self.since)
            self.since = None

    @property
    def down(self) -> bool:
        return self.since is not None


def _brief(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def probe(services) -> None:
    """Raises unless Redis answers PING and the database answers SELECT 1."""
    services.redis.ping()
    with services.db_engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def wait_until_reachable(services, stop: threading.Event, outage: Outage, check=probe) -> bool:
    """Blocks until `check` passes (True) or `stop` is set (False); logs the outage once."""
    backoff = Backoff()
    while not stop.is_set():
        try:
            check(services)
        except Exception as error:  # noqa: BLE001 - anything but an outage is re-raised below
            if not is_outage(error):
                raise
            outage.failed(error)
            stop.wait(backoff.next_wait())
            continue
        outage.recovered()
        return True
    return False
