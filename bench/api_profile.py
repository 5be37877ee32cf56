"""Where the CPU of one HTTP task completion goes, measured in-process on PostgreSQL and Redis.

Why: bench/api.py says how fast completions are through gunicorn; this says why. It completes
`bench_flow`'s first task through the Flask test client (the same app, flows, PostgreSQL and
Redis as under gunicorn, without the HTTP server) and prints what each completion costs:
SQL statements and transactions, CPU milliseconds in this process and in its PostgreSQL
backends, and with --profile a cProfile (CPU time) grouped by library, then the top functions.

    .venv/bin/python bench/api_profile.py [--n 600] [--warmup 100] [--profile] [--top 25]

It uses bench/api.py's database `bench_api` (public schema dropped and re-created) and Redis
db 8 (emptied at the start and at the end): don't run the two at the same time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import redis
from api import DATABASE, DATABASE_URL, PASSWORD, QUEUE_PREFIX, REDIS_URL, SECRET_KEY, USERNAME, prepare
from api import reset_database as reset_bench_api
from engine import FORM
from sqlalchemy import event, text

from service import runtime
from service.app import create_app
from service.config import Config

TICK = os.sysconf("SC_CLK_TCK")


class Completer:
    """Logs in once, then completes claimed tasks through the test client, counting SQL as it goes."""

    def __init__(self, services, task_ids: list[int], version: int):
        self.client = create_app(services.config, services).test_client()
        token = self.client.post("/api/v1/auth/token", json={"username": USERNAME, "password": PASSWORD}).json
        self.headers = {"Authorization": f"Bearer {token['token']}", "If-Match": f'"{version}"'}
        self.body = {"data": FORM, "version": version}
        self.pending = list(reversed(task_ids))
        self.statements: Counter[str] = Counter()
        self.transactions = 0
        event.listen(services.db_engine, "before_cursor_execute", self._statement)
        event.listen(services.db_engine, "begin", self._begin)

    def _statement(self, _conn, _cursor, statement, *_args) -> None:
        self.statements[" ".join(statement.split())[:100]] += 1

    def _begin(self, _conn) -> None:
        self.transactions += 1

    def complete(self, count: int) -> None:
        for _ in range(count):
            task_id = self.pending.pop()
            response = self.client.post(f"/api/v1/tasks/{task_id}/complete", json=self.body, headers=self.headers)
            if response.status_code != 200:
                raise RuntimeError(f"task {task_id}: {response.status_code} {response.json}")

    def reset_counts(self) -> None:
        self.statements.clear()
        self.transactions = 0


def backend_cpu_s(services) -> float:
    """CPU seconds so far of the PostgreSQL backends serving `bench_api`."""
    with services.db_engine.connect() as connection:
        pids = list(connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                                       {"name": DATABASE}))
    total = 0.0
    for pid in pids:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


PYTHON = "python (stdlib, builtins)"


def library_of(filename: str) -> str:
    found = re.search(r"site-packages/([A-Za-z0-9_]+)", filename)
    if found:
        return found.group(1)
    for top in ("service", "integrations", "bench"):
        if f"/{top}/" in filename:
            return f"handoff {top}/" + filename.split(f"/{top}/")[1].split("/")[0].removesuffix(".py")
    return PYTHON


def print_profile(profile: cProfile.Profile, count: int, top: int) -> None:
    """Own time by library; time in the standard library or builtins counts for the library that called them
    (a dict lookup inside SpiffWorkflow is SpiffWorkflow's cost)."""
    stats = pstats.Stats(profile)
    by_library: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, callers) in stats.stats.items():
        library = library_of(filename)
        if library != PYTHON or not callers:
            by_library[library] += own
            continue
        from_callers = sum(caller[2] for caller in callers.values()) or 1.0
        for (caller_file, _l, _n), caller in callers.items():
            by_library[library_of(caller_file)] += own * caller[2] / from_callers
    total = sum(by_library.values())
    print(f"\ncProfile (CPU time, profiler overhead included) by library, per completion (n={count}):")
    for library, seconds in by_library.most_common(20):
        print(f"  {seconds / total * 100:5.1f} %  {seconds / count * 1000:6.3f} ms  {library}")
    print(f"\ntop {top} functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="completions measured (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=100, help="completions first, not measured")
    parser.add_argument("--profile", action="store_true", help="also profile --n more completions")
    parser.add_argument("--top", type=int, default=25, help="functions listed with --profile")
    args = parser.parse_args()

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    services = None
    try:
        with tempfile.TemporaryDirectory(prefix="handoff-api-profile-") as tmp:
            reset_bench_api()
            services = runtime.build(Config(database_url=DATABASE_URL, redis_url=REDIS_URL, data_dir=Path(tmp),
                                            queue_prefix=QUEUE_PREFIX, secret_key=SECRET_KEY), client)
            tasks, version = prepare(services, args.warmup + args.n * (2 if args.profile else 1))
            completer = Completer(services, tasks, version)
            completer.complete(args.warmup)
            completer.reset_counts()
            pg_before, cpu_before, wall_before = backend_cpu_s(services), time.process_time(), time.perf_counter()
            completer.complete(args.n)
            cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
            pg = backend_cpu_s(services) - pg_before
            print(f"\nper completion (n={args.n}): {sum(completer.statements.values()) / args.n:.1f} SQL statements "
                  f"in {completer.transactions / args.n:.1f} transactions; CPU {cpu / args.n * 1000:.2f} ms here "
                  f"+ {pg / args.n * 1000:.2f} ms in PostgreSQL; {wall / args.n * 1000:.2f} ms wall")
            for statement, count in completer.statements.most_common():
                print(f"  {count / args.n:5.2f}  {statement}")
            if args.profile:
                profile = cProfile.Profile(time.process_time)
                profile.runcall(completer.complete, args.n)
                print_profile(profile, args.n, args.top)
    finally:
        if services is not None:
            services.db_engine.dispose()
        client.flushdb()
        client.close()


if __name__ == "__main__":
    sys.exit(main())
