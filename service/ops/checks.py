"""What `handoff doctor` and the health page check, each answer saying what is wrong and how to fix it.

Every check takes what it needs (an engine, a Redis client, the config) and returns a
`Check`; none raises. They are cheap: one query or one Redis command each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alembic.runtime.migration import MigrationContext
from rq import Queue, Worker
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from service.jobs import heartbeat
from service.store.migrate import pending_migrations
from service.store.models import Instance, ProcessVersion

LATE_TIMER_GRACE = timedelta(seconds=60)  # a timer due longer ago than this should have fired by now


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, in plain words
    fix: str = ""  # what to do about it, when not ok
    skipped: bool = False  # not checked because something it needs is broken

    def line(self) -> str:
        return f"{self.detail} ({self.fix})" if self.fix else self.detail


def skipped(name: str, because: str) -> Check:
    return Check(name, False, f"not checked: {because}", skipped=True)


def safe_url(url: str) -> str:
    """The URL without its password, fit for a page or a log."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not every URL parses as a database URL; then show only its scheme
        return url.split("://", 1)[0] + "://..."


def _first_line(error: Exception) -> str:
    text_ = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text_[0] if text_ else ''}".rstrip(": ")


def database(engine: Engine) -> Check:
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect is the answer
        return Check("database", False, f"cannot connect to the database at {where}: {_first_line(error)}",
                     "check DATABASE_URL, and that the server runs and the database exists")
    return Check("database", True, f"{engine.dialect.name} reachable at {where}")


def migrations(engine: Engine) -> Check:
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        pending = pending_migrations(engine)
    except Exception as error:  # noqa: BLE001
        return Check("migrations", False, f"cannot read the schema version: {_first_line(error)}",
                     "check that DATABASE_URL points to Handoff's database")
    if not pending:
        return Check("migrations", True, f"the schema is up to date ({', '.join(current)})")
    what = (f"{len(pending)} migration(s) not applied: {', '.join(sorted(pending))}" if current
            else "the database has no Handoff tables yet")
    return Check("migrations", False, what, "run `handoff db upgrade`")


def processes(engine: Engine) -> Check:
    with engine.connect() as connection:
        deployed = connection.scalar(select(func.count(func.distinct(ProcessVersion.process_id))))
    if not deployed:
        return Check("processes", False, "no process is deployed: nobody can start a project",
                     "run `handoff bpmn deploy` in the folder that holds bpmn/ and forms/")
    return Check("processes", True, f"{deployed} process(es) deployed")


def late_timers(engine: Engine, now: datetime | None = None) -> Check:
    now = now or datetime.now(UTC)
    with engine.connect() as connection:
        late = connection.scalar(select(func.count()).select_from(Instance)
                                 .where(Instance.next_wakeup_at < now - LATE_TIMER_GRACE))
    if late:
        return Check("timers", False, f"{late} instance(s) have a timer due over a minute ago that has not fired",
                     "workers and a sweeper must run against this database and Redis; see their logs")
    return Check("timers", True, "no timer is late")


def redis_reachable(connection, where: str) -> Check:
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001
        return Check("redis", False, f"cannot reach Redis at {where}: {_first_line(error)}",
                     "check REDIS_URL, and that Redis runs (`redis-server`)")
    return Check("redis", True, f"reachable at {where}")


def workers(connection, queue_names: list[str]) -> Check:
    names, idle_queues = set(), []
    for queue_name in queue_names:
        listening = Worker.all(queue=Queue(queue_name, connection=connection))
        names.update(w.name for w in listening)
        if not listening:
            idle_queues.append(queue_name)
    if not names:
        return Check("workers", False, "no RQ worker is running: timers will not fire and messages stay unsent",
                     "start one or more with `handoff worker`")
    if idle_queues:
        return Check("workers", False, f"no RQ worker listens on {', '.join(idle_queues)}",
                     "start `handoff worker`, which listens on every Handoff queue")
    return Check("workers", True, f"{len(names)} running")


def sweeper(connection, prefix: str) -> Check:
    alive = heartbeat.alive(connection, prefix, heartbeat.SWEEPER)
    if not alive:
        return Check("sweeper", False, "no sweeper heartbeat: timers ring up to a second late, and alarms Redis "
                     "lost are never set again", "start `handoff sweeper` (one or more)")
    return Check("sweeper", True, f"{len(alive)} alive ({', '.join(alive)})")
