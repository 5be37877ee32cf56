"""Task completions per second through the HTTP API, under gunicorn, on PostgreSQL and Redis.

Why: the goal is at least 300 completions/s with p99 under 100 ms on a 2-core machine,
through the real stack (gunicorn workers, Flask, flows, PostgreSQL, Redis). bench/engine.py
times one completion in-process; this times many at once over HTTP, and prints the raw
SpiffWorkflow cycle measured in the same run, so the cost of everything around the engine
shows up next to it.

    .venv/bin/python bench/api.py [--per-run 3000] [--workers 2,4] [--clients 8,16] [--max-seconds 60]

It uses (and creates, if missing) the database `bench_api`, whose `public` schema it drops
and re-creates, and Redis db 8, which it empties at the start and at the end. The last line
is ``completions_per_s: X``: the best error-free configuration.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
from bench_db import fresh_database

# bench/ is sys.path[0] when this runs as a script: the raw cycle is bench/engine.py's own.
from engine import FORM, bench_raw_referenced, stats_ms
from sqlalchemy import create_engine, func, select, text

from service import runtime
from service.config import Config
from service.demo import seed_people
from service.engine.bundle import read_tree
from service.flows import instances
from service.flows.deploy import deploy
from service.store.migrate import upgrade
from service.store.models import Instance, Outbox, Task

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "bench" / "fixtures"
PROCESS_ID = "bench_flow"
FIRST_TASK = "qualify"
USERNAME = "rep"  # in `sales`: the lane of bench_flow's start event and of its first task
PASSWORD = "bench-password"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE = "bench_api"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/8"
QUEUE_PREFIX = "benchapi"
SECRET_KEY = "bench-api-fixed-signing-key"  # fixed, so that every worker accepts the one token
THREADS = 4  # gunicorn gthread threads per worker
REAL_STARTS = 100  # instances started and claimed through flows; the rest are copies of them
WARMUP = 300  # completions after each gunicorn start (every worker parses the spec once), not timed
GOAL_RATE, GOAL_P99_MS = 300.0, 100.0
RAW_N, RAW_WARMUP = 300, 30


# --- preparing the database --------------------------------------------------------------------


def reset_database() -> None:
    """Creates `bench_api` if needed and empties its public schema (never touches `test` or `bench`)."""
    fresh_database(DATABASE)


def start_and_claim(services, user_id: int) -> tuple[int, int, int]:
    """One instance the real way: (instance id, id and version of its claimed first task)."""
    instance_id = instances.start_process(services, PROCESS_ID, {}, actor_id=user_id).instance_id
    with services.sessions() as session:
        task_id = session.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.status == "open"))
    return instance_id, task_id, instances.claim_task(services, task_id, user_id)


def clone_instances(services, template_id: int, count: int) -> list[int]:
    """Copies an instance row and its open task row `count` times in one statement; returns the task ids.

    Starting and claiming through flows costs ~10 ms an instance, too slow for the ~13,000
    this needs. A copy holds the same serialized state and the same claimed task, which is
    all that completing the task reads (the engine task id is unique per instance only).
    """
    inst_cols = [f'"{c.name}"' for c in Instance.__table__.columns if c.name != "id"]
    task_cols = [f'"{c.name}"' for c in Task.__table__.columns if c.name not in ("id", "instance_id")]
    statement = text(f"""
        WITH copies AS (
            INSERT INTO instance ({", ".join(inst_cols)})
            SELECT {", ".join("i." + c for c in inst_cols)}
            FROM instance i CROSS JOIN generate_series(1, :count) WHERE i.id = :template
            RETURNING id)
        INSERT INTO task (instance_id, {", ".join(task_cols)})
        SELECT copies.id, {", ".join("t." + c for c in task_cols)}
        FROM copies CROSS JOIN task t WHERE t.instance_id = :template AND t.status = 'open'
        RETURNING id""")
    with services.db_engine.begin() as connection:
        return list(connection.scalars(statement, {"count": count, "template": template_id}))


def prepare(services, total: int) -> tuple[list[int], int]:
    """Migrates, seeds people, deploys bench/fixtures, makes `total` claimed first tasks; (ids, version)."""
    upgrade(services.db_engine)
    with services.sessions() as session:
        user_id = seed_people(session, PASSWORD)[USERNAME].id
        session.commit()
    deploy(services, read_tree(FIXTURES), "bench")
    started = time.perf_counter()
    real = [start_and_claim(services, user_id) for _ in range(min(REAL_STARTS, total))]
    real_s = time.perf_counter() - started
    versions = {version for _, _, version in real}
    if len(versions) != 1:
        raise AssertionError(f"claimed tasks should share one version, got {versions}")
    task_ids = [task_id for _, task_id, _ in real]
    started = time.perf_counter()
    while len(task_ids) < total:
        task_ids += clone_instances(services, real[0][0], min(5000, total - len(task_ids)))
    with services.db_engine.begin() as connection:
        # Statistics as autovacuum would have them: right after a bulk insert the planner still thinks
        # `task` is tiny and finds an instance's open tasks through ix_task_status_due, i.e. all open tasks.
        connection.execute(text("ANALYZE"))
    print(f"prepared {total} claimed `{FIRST_TASK}` tasks: {len(real)} through flows "
          f"({real_s / len(real) * 1000:.1f} ms each), {total - len(real)} copied in "
          f"{time.perf_counter() - started:.1f} s")
    return task_ids, versions.pop()


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workers: int, port: int, data_dir: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "HANDOFF_QUEUE_PREFIX": QUEUE_PREFIX,
           "HANDOFF_DATA_DIR": str(data_dir), "HANDOFF_SECRET_KEY": SECRET_KEY, "HANDOFF_LOG_LEVEL": "WARNING"}
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-k", "gthread",
               "--threads", str(THREADS), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--no-control-socket",
               "service.app:create_app()"]
    with open(log, "ab") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def stop_gunicorn(process: subprocess.Popen) -> None:
    """SIGTERM (graceful: the master stops its workers), SIGKILL after 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_ready(process: subprocess.Popen, port: int, log: Path, timeout_s: float = 30) -> None:
    """Polls /health until the database and Redis answer (no RQ worker runs: its check fails, on purpose)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            checks = json.loads(request(conn, "GET", "/health?format=json")[1])["checks"]
            if checks["database"]["ok"] and checks["redis"]["ok"]:
                return
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /health within {timeout_s} s:\n{log.read_text()[-3000:]}")


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        status, body = request(conn, "POST", "/api/v1/auth/token",
                               json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
                               {"Content-Type": "application/json"})
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body[:300]!r}")
    return json.loads(body)["token"]


# --- CPU accounting (Linux /proc) --------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: str) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
    return name, int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK


def cpu_by_role(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds so far of the web processes, PostgreSQL, Redis and this load generator."""
    roles: Counter[str] = Counter()
    for pid in os.listdir("/proc"):
        stat = pid.isdigit() and _proc_stat(pid)
        if not stat:
            continue
        name, parent, seconds = stat
        if int(pid) == gunicorn_pid or parent == gunicorn_pid:
            roles["web"] += seconds
        elif name == "postgres":
            roles["pg"] += seconds
        elif name.startswith("redis-server"):
            roles["redis"] += seconds
        elif int(pid) == os.getpid():
            roles["client"] += seconds
    return dict(roles)


def pg_counters() -> Counter[str]:
    """Transactions and rows of `bench_api` so far (a backend reports them by the time it exits)."""
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as connection:
            row = connection.execute(text(
                "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_returned, tup_fetched "
                "FROM pg_stat_database WHERE datname = :name"), {"name": DATABASE}).one()
    finally:
        engine.dispose()
    return Counter(row._asdict())


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent not idle (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / TICK  # minus idle and iowait


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Run:
    workers: int
    clients: int
    completions: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    cores: dict[str, float] = field(default_factory=dict)  # average cores busy, by role

    @property
    def rate(self) -> float:
        return self.completions / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    def meets_goal(self) -> bool:
        return not self.errors and self.rate >= GOAL_RATE and self.percentile_ms(0.99) < GOAL_P99_MS


def drive(port: int, token: str, task_ids: list[int], version: int, run: Run, max_seconds: float,
          gunicorn_pid: int) -> Run:
    """`run.clients` threads, each on its own keep-alive connection, complete tasks from a shared queue.

    Only 200 counts as a completion; anything else (or a dropped connection, which is not
    retried: a retried completion could not tell a double from a failure) is an error.
    """
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for task_id in task_ids:
        pending.put(task_id)
    payload = json.dumps({"data": FORM, "version": version}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "If-Match": f'"{version}"'}
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done, latencies, errors, samples = 0, [], Counter(), []
        try:
            while time.perf_counter() < deadline:
                try:
                    task_id = pending.get_nowait()
                except queue.Empty:
                    break
                started = time.perf_counter()
                try:
                    status, body = request(conn, "POST", f"/api/v1/tasks/{task_id}/complete", payload, headers)
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    status, body = type(error).__name__, str(error).encode()
                latencies.append(time.perf_counter() - started)
                if status == 200:
                    done += 1
                else:
                    errors[status] += 1
                    if len(samples) < 3:
                        samples.append(f"task {task_id}: {status} {body[:200]!r}")
        finally:
            conn.close()
            with lock:
                run.completions += done
                run.latencies += latencies
                run.errors.update(errors)
                run.samples += samples[:max(0, 5 - len(run.samples))]

    threads = [threading.Thread(target=client, daemon=True) for _ in range(run.clients)]
    cpu_before, busy_before = cpu_by_role(gunicorn_pid), machine_busy_s()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    cpu_after, busy = cpu_by_role(gunicorn_pid), machine_busy_s() - busy_before
    run.cores = {role: (cpu_after.get(role, 0) - cpu_before.get(role, 0)) / run.seconds for role in cpu_after}
    run.cores["ours"] = sum(run.cores.values())
    run.cores["other"] = max(0.0, busy / run.seconds - run.cores["ours"])
    return run


def bench_workers(workers: int, clients_list: list[int], tasks: list[int], version: int, per_run: int,
                  max_seconds: float, data_dir: Path) -> tuple[list[Run], str]:
    """One gunicorn with `workers` processes: a warm-up, then one timed run per client count.

    Also returns what PostgreSQL did per completion over this gunicorn's life (its workers'
    backends report their counters when gunicorn stops; /health and the login are included).
    """
    port, log = free_port(), data_dir / f"gunicorn-{workers}.log"
    pg_before = pg_counters()
    process = start_gunicorn(workers, port, data_dir, log)
    runs, warm = [], Run(workers, 0)
    try:
        wait_ready(process, port, log)
        token = login(port)
        warm = drive(port, token, tasks[:WARMUP], version, Run(workers, max(clients_list)), max_seconds, process.pid)
        if warm.errors:
            print(f"warning: warm-up errors with {workers} workers: {dict(warm.errors)} {warm.samples}",
                  file=sys.stderr)
        for i, clients in enumerate(clients_list):
            chunk = tasks[WARMUP + i * per_run:WARMUP + (i + 1) * per_run]
            runs.append(drive(port, token, chunk, version, Run(workers, clients), max_seconds, process.pid))
    finally:
        stop_gunicorn(process)
    time.sleep(1)  # exiting backends flush their statistics
    pg = pg_counters() - pg_before
    done = warm.completions + sum(r.completions for r in runs)
    pg_line = (f"PostgreSQL per completion, {workers} workers: {(pg['xact_commit'] + pg['xact_rollback']) / done:.1f} "
               f"transactions ({pg['xact_commit'] / done:.1f} commits, {pg['xact_rollback'] / done:.1f} rollbacks), "
               f"{pg['tup_inserted'] / done:.1f} rows inserted, {pg['tup_updated'] / done:.1f} updated, "
               f"{(pg['tup_returned'] + pg['tup_fetched']) / done:.0f} read") if done else ""
    problems = [line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    if problems:
        print(f"gunicorn ({workers} workers) logged {len(problems)} problem line(s); last lines of {log.name}:\n"
              + "\n".join(log.read_text().splitlines()[-20:]), file=sys.stderr)
    return runs, pg_line


# --- report ------------------------------------------------------------------------------------


def print_table(runs: list[Run]) -> None:
    print(f"\n{'workers':>7} {'clients':>7} {'done':>6} {'s':>6} {'compl/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'errors':>6} {'goal':>4} | cores busy: {'web':>4} {'pg':>4} {'redis':>5} "
          f"{'client':>6} {'other':>5} | cpu ms/compl")
    for r in runs:
        c = r.cores
        cpu_ms = c["ours"] * 1000 / r.rate if r.rate else float("nan")
        print(f"{r.workers:>7} {r.clients:>7} {r.completions:>6} {r.seconds:>6.1f} {r.rate:>8.1f} "
              f"{r.percentile_ms(0.5):>7.1f} {r.percentile_ms(0.99):>7.1f} {r.percentile_ms(1.0):>7.1f} "
              f"{sum(r.errors.values()):>6} {'yes' if r.meets_goal() else 'no':>4} |             "
              f"{c.get('web', 0):>4.2f} {c.get('pg', 0):>4.2f} {c.get('redis', 0):>5.2f} {c.get('client', 0):>6.2f} "
              f"{c['other']:>5.2f} | {cpu_ms:>6.2f}")
    if any(r.cores["other"] > 0.2 for r in runs):
        print("warning: other work kept the machine busy during a run (column `other`): its figures are low")
    for r in runs:
        if r.errors:
            print(f"errors ({r.workers} workers, {r.clients} clients): {dict(r.errors)}; e.g. {r.samples}")


def check_database(services, expected: int) -> None:
    """Every 200 must have left a completed task and its notify outbox row behind, and nothing more."""
    with services.sessions() as session:
        completed = session.scalar(select(func.count()).select_from(Task).where(
            Task.element_id == FIRST_TASK, Task.status == "completed"))
        outbox = session.scalar(select(func.count()).select_from(Outbox))
    print(f"database: {completed} `{FIRST_TASK}` tasks completed, {outbox} outbox rows "
          f"(HTTP 200s, warm-ups included: {expected})")
    if completed != expected or outbox != expected:
        print("warning: the database disagrees with the HTTP answers", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-run", type=int, default=3000, help="tasks available to each timed run")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts to try")
    parser.add_argument("--clients", default="8,16", help="concurrent HTTP clients to try")
    parser.add_argument("--max-seconds", type=float, default=60, help="a run stops after this long")
    args = parser.parse_args()
    workers_list = [int(x) for x in args.workers.split(",")]
    clients_list = [int(x) for x in args.clients.split(",")]
    per_gunicorn = WARMUP + len(clients_list) * args.per_run

    raw_samples, _ = bench_raw_referenced(read_tree(FIXTURES), RAW_N, RAW_WARMUP)  # on a quiet machine, first
    raw_median, raw_p90 = stats_ms(raw_samples)

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    services = None
    runs: list[Run] = []
    pg_lines: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="handoff-bench-api-") as tmp:
            data_dir = Path(tmp)
            reset_database()
            services = runtime.build(Config(database_url=DATABASE_URL, redis_url=REDIS_URL, data_dir=data_dir,
                                            queue_prefix=QUEUE_PREFIX), client)
            tasks, version = prepare(services, per_gunicorn * len(workers_list))
            services.db_engine.dispose()  # idle backends would report their statistics during a run
            for i, workers in enumerate(workers_list):
                more, pg_line = bench_workers(workers, clients_list, tasks[i * per_gunicorn:(i + 1) * per_gunicorn],
                                              version, args.per_run, args.max_seconds, data_dir)
                runs += more
                pg_lines.append(pg_line)
            expected = sum(r.completions for r in runs) + len(workers_list) * WARMUP
            check_database(services, expected)
    finally:
        if services is not None:
            services.db_engine.dispose()
        client.flushdb()
        client.close()

    print(f"\nPOST /api/v1/tasks/ID/complete of `{FIRST_TASK}` ({PROCESS_ID}) through gunicorn gthread "
          f"({THREADS} threads a worker), PostgreSQL `{DATABASE}`, Redis db 8; {os.cpu_count()} cores; "
          f"goal: {GOAL_RATE:.0f}/s with p99 < {GOAL_P99_MS:.0f} ms, no errors")
    print_table(runs)
    print("\n" + "\n".join(line for line in pg_lines if line))
    print(f"\nraw engine cycle (SpiffWorkflow, spec referenced; n={RAW_N}): median {raw_median:.2f} ms, "
          f"p90 {raw_p90:.2f} ms, i.e. {1000 / raw_median:.0f} cycles/s on one core")
    clean = [r for r in runs if not r.errors] or runs
    best = max(clean, key=lambda r: r.rate)
    cpu_ms = {role: cores * 1000 / best.rate for role, cores in best.cores.items()} if best.rate else {}
    if cpu_ms:
        print(f"best: {best.workers} workers, {best.clients} clients; one completion costs {cpu_ms['ours']:.1f} ms "
              f"of CPU ({cpu_ms.get('web', 0):.1f} in gunicorn, {cpu_ms.get('pg', 0):.1f} in PostgreSQL), "
              f"{cpu_ms['ours'] / raw_median:.1f}x the raw cycle; {GOAL_RATE:.0f}/s on {os.cpu_count()} cores "
              f"leaves {os.cpu_count() * 1000 / GOAL_RATE:.1f} ms")
    print(f"completions_per_s: {best.rate:.1f}")


if __name__ == "__main__":
    main()
