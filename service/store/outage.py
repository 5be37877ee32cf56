"""Which database errors mean "not now, try again" (an outage), as opposed to a bug.

The web answers them with 503 and ``Retry-After``; workers and the sweeper wait and go on
instead of logging a traceback per attempt. What counts:

- a connection SQLAlchemy found dead and invalidated (the server restarted or went away);
- the pool had no connection to give within its timeout;
- PostgreSQL's operational errors: cannot connect, admin/crash shutdown, "cannot connect
  now" while starting, too many connections, a cancelled or locked statement, a
  serialization failure or deadlock (psycopg's `OperationalError` and its subclasses);
- SQLite's "database is locked" (another writer held it past the busy timeout) and a full disk.

SQLite reports bugs and misconfiguration (``no such table``, a syntax error, a database
file that cannot be opened) as `OperationalError` too: those stay 500s and tracebacks.
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy import exc

SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database or disk is full")
RETRY_AFTER_S = 5  # what the API tells a client to wait; a restart of PostgreSQL takes about that


def database_unavailable(error: BaseException | None) -> bool:
    """True when `error` (or what it wraps) says the database is down or busy, not that the request is wrong."""
    seen = 0
    while error is not None and seen < 5:  # a flow may wrap the driver's error in its own
        if isinstance(error, exc.TimeoutError):  # the pool's: every connection busy for pool_timeout
            return True
        if isinstance(error, exc.DBAPIError):
            if error.connection_invalidated:
                return True
            error = error.orig
            continue
        if isinstance(error, psycopg.OperationalError):
            return True
        if isinstance(error, sqlite3.OperationalError):
            return str(error).lower().startswith(SQLITE_TRANSIENT)
        error = error.__cause__ or error.__context__
        seen += 1
    return False
