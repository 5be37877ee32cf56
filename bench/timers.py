"""Are timers punctual with 100,000 instances waiting, under a real worker and sweeper?

Why: the promise is "never early, at most a fraction of a second late", with the
database as the truth and Redis only as the alarm clock. This fills the instance table
with 100,000 waiting timers (hours away), lets a few hundred come due within a few
seconds while `handoff worker` and `handoff sweeper` run as real processes, and reports
how late each fired (the worker's own `lateness_s`), plus the sweeper's query time at
1,000 and at 100,000 waiting rows.

    .venv/bin/python bench/timers.py [--postgres] [--total 100000] [--due 300] [--workers 2]

The last line is ``p99_lateness_s: X``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import redis
from bench_db import fresh_database
from rq import Worker
from sqlalchemy import func, insert, select

from service import runtime
from service.config import Config
from service.engine.bundle import read_tree
from service.flows import instances
from service.flows.deploy import deploy
from service.jobs.sweeper import SWEEP_LIMIT
from service.queues import wake_job_id
from service.store import queries
from service.store.migrate import upgrade
from service.store.models import AuditEvent, Instance

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PROCESS_ID = "wait_then_finish"  # start -> timer (duration = the `wait_for` variable) -> end
REDIS_URL = "redis://127.0.0.1:6379/9"
QUEUE_PREFIX = "bench"
PATTERNS = 100  # distinct far-future due times, each started for real once, then copied
CHUNK = 5000
QUERY_RUNS = 20


def reset_postgres_bench() -> str:
    """Creates database `bench` if needed and empties its public schema (never touches `test`)."""
    return fresh_database("bench")


def waiting_count(services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Instance).where(Instance.next_wakeup_at.is_not(None)))


def copy_rows(services, templates: list[dict], count: int) -> None:
    """Bulk-inserts `count` copies of the template rows (state and next_wakeup_at agree in each)."""
    rows = [templates[i % len(templates)] for i in range(count)]
    with services.db_engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(Instance.__table__), rows[start:start + CHUNK])


def time_sweep_query(services, horizon: timedelta) -> tuple[float, float, int]:
    """(median ms, p90 ms, rows) of the sweeper's query, run as `sweep` runs it (own session)."""
    samples, found = [], 0
    for _ in range(QUERY_RUNS):
        started = time.perf_counter()
        with services.sessions() as session:
            found = len(queries.due_wakeups(session, services.clock() + horizon, SWEEP_LIMIT))
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, statistics.quantiles(samples, n=10)[8] * 1000, found


def query_plan(services, horizon: timedelta) -> str:
    """How the database runs the sweeper's query (it must use ix_instance_next_wakeup_at)."""
    stmt = (select(Instance.id, Instance.next_wakeup_at)
            .where(Instance.next_wakeup_at.is_not(None), Instance.next_wakeup_at <= services.clock() + horizon)
            .order_by(Instance.next_wakeup_at).limit(SWEEP_LIMIT))
    with services.db_engine.connect() as connection:
        sql = str(stmt.compile(connection, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
        rows = connection.exec_driver_sql(explain + sql).all()
    return "; ".join(str(row[-1]).strip() for row in rows[:2])


def spawn(command: str, env: dict, log_dir: Path, name: str) -> tuple[subprocess.Popen, Path]:
    log = log_dir / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "handoff"), command], env=env, cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
    return process, log


def stop(children: list[tuple[subprocess.Popen, Path]]) -> list[str]:
    """SIGTERM (RQ's warm shutdown, the sweeper's stop event), then SIGKILL after 15 s."""
    for process, _ in children:
        if process.poll() is None:
            process.terminate()
    problems = []
    for process, log in children:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            problems.append(f"{log.stem} did not stop on SIGTERM; killed")
    return problems


def tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def pct(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method: the max for q=100)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else max(values)


def run(args, database_url: str, tmp: Path) -> float:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    config = Config(database_url=database_url, redis_url=REDIS_URL, data_dir=tmp, queue_prefix=QUEUE_PREFIX)
    services = runtime.build(config, client)
    horizon = timedelta(seconds=config.sweep_horizon_s)
    children: list[tuple[subprocess.Popen, Path]] = []
    try:
        upgrade(services.db_engine)
        deploy(services, read_tree(FIXTURES), "bench")

        # 1. One real instance per far-future due time (2 h .. 10 h), then bulk copies of their rows.
        started = time.perf_counter()
        template_ids = [instances.start_process(services, PROCESS_ID, {"wait_for": f"PT{7200 + k * 288}S"},
                                                business_key="template").instance_id for k in range(PATTERNS)]
        start_ms = (time.perf_counter() - started) / PATTERNS * 1000
        with services.sessions() as session:
            columns = [c.name for c in Instance.__table__.columns if c.name != "id"]
            templates = [{c: getattr(row, c) for c in columns} | {"business_key": None}
                         for row in session.scalars(select(Instance).where(Instance.id.in_(template_ids)))]
        far = args.total - args.due
        first = min(1000, far)
        started = time.perf_counter()
        copy_rows(services, templates, first - PATTERNS)
        at_1k = (waiting_count(services), *time_sweep_query(services, horizon))
        copy_rows(services, templates, far - first)
        insert_s = time.perf_counter() - started
        at_100k = (waiting_count(services), *time_sweep_query(services, horizon))
        plan = query_plan(services, horizon)

        # 2. The real worker(s) and sweeper, on a clean Redis db 9.
        client.flushdb()
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=REDIS_URL, HANDOFF_QUEUE_PREFIX=QUEUE_PREFIX,
                   HANDOFF_DATA_DIR=str(tmp), HANDOFF_LOG_LEVEL="WARNING")
        children.append(spawn("sweeper", env, tmp, "sweeper"))
        children.extend(spawn("worker", env, tmp, f"worker{n}") for n in range(args.workers))
        deadline = time.monotonic() + 60
        while Worker.count(connection=client) < args.workers:
            dead = [log.stem for process, log in children if process.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"workers did not start ({dead}):\n" + "\n".join(tail(log) for _, log in children))
            time.sleep(0.1)
        time.sleep(0.5)  # the sweeper needs no preload; give it the same head start anyway

        # 3. The due-soon instances, started for real: due times spread over the window.
        window_start = time.time() + args.lead
        due_ids: dict[int, object] = {}
        for i in range(args.due):
            due_at = window_start + args.window * i / args.due
            wait_s = max(0.05, due_at - time.time())
            result = instances.start_process(services, PROCESS_ID, {"wait_for": f"PT{wait_s:.3f}S"})
            due_ids[result.instance_id] = result.next_wakeup_at
        created_by = time.time()
        statuses = services.alarm.job_statuses([wake_job_id(i, at) for i, at in due_ids.items()])
        armed = sum(1 for s in statuses if s in {"scheduled", "queued", "started"})
        at_100k_due = None
        if window_start - time.time() > 1.0:
            at_100k_due = (waiting_count(services), *time_sweep_query(services, horizon))

        # 4. Wait for them to fire (bounded), watching the audit log.
        poll_deadline = window_start + args.window + 60
        fired_events: list[AuditEvent] = []
        while time.time() < poll_deadline:
            with services.sessions() as session:
                fired_events = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == "timer_fired")))
            if len({e.instance_id for e in fired_events} & due_ids.keys()) >= len(due_ids):
                break
            if any(process.poll() is not None for process, _ in children):
                raise RuntimeError("a worker or the sweeper died:\n" + "\n".join(tail(log) for _, log in children))
            time.sleep(0.25)
        time.sleep(1.0)  # let any duplicate firing show up before counting
        with services.sessions() as session:
            fired_events = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == "timer_fired")))
            completed = session.scalar(select(func.count()).select_from(Instance).where(
                Instance.id.in_(list(due_ids)), Instance.status == "completed"))
    finally:
        stop_problems = stop(children)
        services.db_engine.dispose()
        client.flushdb()
        client.close()

    per_instance = Counter(e.instance_id for e in fired_events)
    lateness = sorted(e.data["lateness_s"] for e in fired_events if e.instance_id in due_ids)
    early = [(e.instance_id, e.data["lateness_s"]) for e in fired_events if e.data["lateness_s"] < 0]
    twice = sorted(i for i, n in per_instance.items() if n > 1)
    missing = sorted(set(due_ids) - set(per_instance))
    stray = sorted(set(per_instance) - set(due_ids))

    backend = services.db_engine.dialect.name
    print(f"\nTimers on {backend}: {args.total:,} waiting instances, {args.due} due within {args.window:g} s "
          f"starting {args.lead:g} s after {args.workers} worker(s) and the sweeper were up\n")
    print(f"setup: start_process {start_ms:.1f} ms each; bulk copy of {far - PATTERNS:,} rows in {insert_s:.1f} s; "
          f"{args.due} due-soon instances created in {created_by - (window_start - args.lead):.2f} s, "
          f"{armed} alarms armed in Redis")
    print(f"sweeper query plan: {plan}\n")
    header = f"{'sweeper query (horizon 60 s)':<40} {'waiting rows':>12} {'median ms':>10} {'p90 ms':>10}"
    print(f"{header} {'rows found':>10}")
    for label, figures in (("first rows only", at_1k), ("all far-future rows", at_100k),
                           ("all rows, due-soon ones in the horizon", at_100k_due)):
        if figures is not None:
            count, median, p90, found = figures
            print(f"{label:<40} {count:>12,} {median:>10.2f} {p90:>10.2f} {found:>10,}")
    print()
    print(f"fired: {len(set(per_instance) & due_ids.keys())} of {len(due_ids)} due-soon instances "
          f"({completed} completed)")
    if lateness:
        print(f"lateness s: p50 {pct(lateness, 50):.3f}  p90 {pct(lateness, 90):.3f}  p99 {pct(lateness, 99):.3f}  "
              f"max {max(lateness):.3f}  min {min(lateness):.3f}")
    fire_times = sorted(e.at.timestamp() for e in fired_events if e.instance_id in due_ids)
    if len(fire_times) > 1:
        gap = max(b - a for a, b in zip(fire_times, fire_times[1:], strict=False))
        print(f"firings spread over {fire_times[-1] - fire_times[0]:.2f} s (due over {args.window:g} s); "
              f"longest pause between two firings {gap:.3f} s")
    print(f"fired early: {len(early)} {early[:5] if early else ''}")
    print(f"fired more than once: {len(twice)} {twice[:10] if twice else ''}")
    print(f"did not fire: {len(missing)} {missing[:10] if missing else ''}")
    print(f"far-future instances that fired: {len(stray)} {stray[:10] if stray else ''}")
    for problem in stop_problems:
        print(f"shutdown: {problem}")
    if early or twice or missing or stray or not lateness or max(lateness) > 0.5:
        for _, log in children:  # warnings and errors only (HANDOFF_LOG_LEVEL=WARNING)
            print(f"--- last lines of {log.name}:\n{tail(log)}")
    return pct(lateness, 99) if lateness and not missing else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL database `bench` instead of SQLite")
    parser.add_argument("--total", type=int, default=100_000, help="waiting instances in all")
    parser.add_argument("--due", type=int, default=300, help="instances coming due during the run")
    parser.add_argument("--window", type=float, default=3.0, help="seconds over which they come due")
    parser.add_argument("--lead", type=float, default=5.0, help="seconds from workers up to the first due time")
    parser.add_argument("--workers", type=int, default=2, help="`handoff worker` processes")
    args = parser.parse_args()
    if args.total < args.due + PATTERNS:
        parser.error("--total must exceed --due by at least 100 (the real far-future instances)")
    with tempfile.TemporaryDirectory(prefix="handoff-timers-") as tmp:
        url = reset_postgres_bench() if args.postgres else f"sqlite:///{Path(tmp) / 'timers.db'}"
        p99 = run(args, url, Path(tmp))
    print(f"p99_lateness_s: {p99:.3f}")
    sys.exit(0)


if __name__ == "__main__":
    main()
