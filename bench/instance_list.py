"""How long a page of 200 instances takes to list for a manager, with 100,000 instances stored.

Why: the list used to open a session and check visibility per row (a sales manager with 726
instances waited 6.9 s, near gunicorn's timeout). Now visibility is one SQL condition and a page
costs a constant number of statements; this prints the figures that keep it so.

    .venv/bin/python bench/instance_list.py [--n 100000] [--mine 726] [--runs 7] [--postgres]
                                            [--database-url URL] [--redis-url redis://127.0.0.1:6379/7]

Seeding is direct: the demo people, the real process library deployed, then `--n` instance rows
(`--mine` of them started by the sales manager's two reps, the rest by 400 people of other teams),
each with an open and a completed task and an `instance_started` audit event, inserted with
`insert()` executemany 5,000 rows a chunk, then ANALYZE. The engine state is left short: the list
never reads it. Requests go through the Flask test client (the same app, flows, database and Redis
as under gunicorn, without the HTTP server).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import create_engine, event, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import runtime  # noqa: E402
from service.app import create_app  # noqa: E402
from service.clock import utcnow  # noqa: E402
from service.config import Config  # noqa: E402
from service.demo import seed_people  # noqa: E402
from service.engine.bundle import read_tree  # noqa: E402
from service.flows.deploy import deploy  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402
from service.store.models import AuditEvent, Instance, ProcessVersion, Task, TaskGroup, User  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"
CHUNK = 5000
VIEWERS = ["sales_mgr", "rep", "vp", "finance", "admin"]  # a manager, a rep, two levels up, nobody's, everyone's
OTHERS = 400  # people of other teams (under a manager of their own) start the instances the sales tree does not see


def reset_schema(url: str) -> None:
    if url.rsplit("/", 1)[-1] == "test":
        raise SystemExit("the test suite owns database `test`")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed(services, n: int, mine: int) -> float:
    started = time.perf_counter()
    with services.sessions() as session:
        people = {name: user.id for name, user in seed_people(session, PASSWORD).items()}
        boss = User(username="other_mgr", display_name="Other teams' manager", created_at=utcnow())
        session.add(boss)
        session.flush()
        others = [User(username=f"other{i:03d}", display_name=f"Other {i}", manager_id=boss.id, created_at=utcnow())
                  for i in range(OTHERS)]
        session.add_all(others)
        session.commit()
        outside = [user.id for user in others]
    deploy(services, read_tree(REPO), "bench")
    with services.sessions() as session:
        version = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "project_lifecycle")).one()
        first = (session.scalar(select(Instance.id).order_by(Instance.id.desc()).limit(1)) or 0) + 1
    now = utcnow()
    every = max(1, n // mine) if mine else n + 1  # the reps' instances spread through the id range
    with services.db_engine.begin() as connection:
        for offset in range(0, n, CHUNK):
            ids = range(first + offset, first + min(n, offset + CHUNK))
            starters = {i: outside[i % len(outside)] for i in ids}
            for i in ids:
                k, rest = divmod(i - first, every)
                if rest == 0 and k < mine:
                    starters[i] = people[("rep", "rep2")[k % 2]]
            connection.execute(insert(Instance), [dict(
                id=i, process_version_id=version.id, process_id="project_lifecycle", status="running", frozen=False,
                state="{}", data={"customer": f"Customer {i % 500}", "contract_value": 1000 * (i % 900)},
                row_version=3, started_at=now, started_by=starters[i], updated_at=now, stage="Implementation",
                stage_entered_at=now, sealed=[]) for i in ids])
            connection.execute(insert(Task), [dict(
                instance_id=i, engine_task_id=str(uuid.uuid4()), element_id=element, name=element,
                candidate_group=group, candidate_groups=[group],
                assignee_id=starters[i] if status == "completed" else None, status=status,
                created_at=now, completed_by=starters[i] if status == "completed" else None, row_version=1)
                for i in ids for element, group, status in (("opportunity", "sales", "completed"),
                                                            ("implementation", "delivery", "open"))])
            connection.execute(insert(TaskGroup).from_select(  # whom each task is offered to, as a projection writes
                ["task_id", "group_name"],
                select(Task.id, Task.candidate_group).where(Task.instance_id.in_(ids), Task.status == "open")))
            connection.execute(insert(AuditEvent), [dict(at=now, kind="instance_started", instance_id=i,
                                                         actor_id=starters[i], data={}) for i in ids])
        connection.execute(text("ANALYZE"))  # as autovacuum (or SQLite's optimizer statistics) would have
    return time.perf_counter() - started


def measure(services, runs: int) -> list[tuple[str, int, float, float, int]]:
    client = create_app(services.config, services).test_client()
    statements: list[str] = []
    event.listen(services.db_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = []
    for viewer in VIEWERS:
        token = client.post("/api/v1/auth/token", json={"username": viewer, "password": PASSWORD}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/instances?per_page=200", headers=headers)  # untimed: caches and connections warm
        times, shown = [], 0
        for _ in range(runs):
            statements.clear()
            begin = time.perf_counter()
            response = client.get("/api/v1/instances?per_page=200", headers=headers)
            times.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{viewer}: {response.status_code} {response.json}")
            shown = len(response.json)
        rows.append((viewer, shown, statistics.median(times), max(times), len(statements)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--mine", type=int, default=726, help="instances the sales manager's reps started")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="database bench_instance_list on the local server")
    parser.add_argument("--database-url", help="a PostgreSQL database whose public schema this re-creates")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="emptied at the start and the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            url = args.database_url
            reset_schema(url)
        elif args.postgres:
            from bench_db import fresh_database

            url = fresh_database("bench_instance_list")
        else:
            url = f"sqlite:///{tmp}/bench.db"
        client = redis.Redis.from_url(args.redis_url)
        client.flushdb()
        config = Config(database_url=url, redis_url=args.redis_url, data_dir=Path(tmp), queue_prefix="benchlist",
                        secret_key="bench-instance-list")
        services = runtime.build(config, client)
        upgrade(services.db_engine)
        seconds = seed(services, args.n, args.mine)
        backend = services.db_engine.dialect.name
        print(f"{backend}: {args.n:,} instances ({args.mine} by the sales manager's reps), {2 * args.n:,} tasks, "
              f"{args.n:,} audit events seeded in {seconds:.1f} s")
        print(f"GET /api/v1/instances?per_page=200, median of {args.runs} runs")
        print(f"{'viewer':<10} {'rows':>5} {'median ms':>10} {'max ms':>8} {'SQL statements':>15}")
        rows = measure(services, args.runs)
        for viewer, shown, median, worst, count in rows:
            print(f"{viewer:<10} {shown:>5} {median:>10.1f} {worst:>8.1f} {count:>15}")
        services.db_engine.dispose()
        client.flushdb()
        print(f"manager_list_ms: {rows[0][2]:.1f}")


if __name__ == "__main__":
    main()
