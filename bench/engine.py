"""What one request cycle costs in the service, next to the bare SpiffWorkflow cycle it wraps.

Why: every task completion loads the instance, runs the engine, re-projects tasks,
writes audit and outbox rows, stores the state and sets the next alarm. This prints
how much that costs on top of SpiffWorkflow itself, on a ~20-node process
(bench/fixtures), so a regression in the service's share shows up as a number.

    .venv/bin/python bench/engine.py [--n 300] [--warmup 30] [--postgres] [--profile]

The last line is ``ratio: X`` = service median / raw (spec referenced) median.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis
from bench_db import fresh_database
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from service import runtime
from service.config import Config
from service.demo import seed_people
from service.engine.bundle import read_tree, split_bundles
from service.engine.library import SpecLibrary
from service.engine.serializer import make_serializer
from service.flows import instances
from service.flows.deploy import deploy
from service.store.migrate import upgrade
from service.store.models import Instance, Outbox, Task

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROCESS_ID = "bench_flow"
FORM = {"customer": "ACME", "amount": 5000}  # low risk: goes on to the parallel split and arms the timer
NOTIFIED = {"announce_notified": ["legal"]}  # what the notify operator adds to the task data
SERVICE_TASK = re.compile(r'<bpmn:serviceTask (id="[^"]*" name="[^"]*")[^>]*>.*?</bpmn:serviceTask>', re.DOTALL)
EXPECTED_OPEN = ["legal_review", "plan_delivery"]
REDIS_URL = "redis://127.0.0.1:6379/9"


def stats_ms(samples: list[float]) -> tuple[float, float]:
    """(median, p90) in milliseconds."""
    return statistics.median(samples) * 1000, statistics.quantiles(samples, n=10)[8] * 1000


def timed(cycle: Callable[[int], object], count: int, warmup: int) -> list[float]:
    """Runs cycle(0..warmup+count-1); returns the durations of the last `count`."""
    samples = []
    for i in range(warmup + count):
        started = time.perf_counter()
        cycle(i)
        elapsed = time.perf_counter() - started
        if i >= warmup:
            samples.append(elapsed)
    return samples


def first_ready_user_task(workflow: BpmnWorkflow):
    return next(t for t in workflow.get_tasks(state=TaskState.READY) if isinstance(t.task_spec, CamundaUserTask))


# --- raw SpiffWorkflow -------------------------------------------------------------------------


def raw_cycle_bench(make_workflow: Callable[[], BpmnWorkflow], serializer: BpmnWorkflowSerializer,
                    count: int, warmup: int, prepare: Callable[[BpmnWorkflow], None]) -> tuple[list[float], int]:
    """Pool of freshly started states (first task ready); each cycle completes that task.

    Returns (durations, size in bytes of the serialized state a cycle writes).
    """
    pool = []
    for _ in range(warmup + count):
        workflow = make_workflow()
        prepare(workflow)
        workflow.do_engine_steps()
        pool.append((serializer.serialize_json(workflow), first_ready_user_task(workflow).id))
    sizes, outputs = [], []

    def cycle(i: int) -> None:
        state, task_id = pool[i]
        workflow = serializer.deserialize_json(state)
        prepare(workflow)
        task = workflow.get_task_from_id(task_id)
        task.data.update(FORM)
        task.run()
        workflow.do_engine_steps()
        outputs.append(serializer.serialize_json(workflow))
        sizes.append(len(outputs[-1]))

    samples = timed(cycle, count, warmup)
    check_after_first_task(serializer.deserialize_json(outputs[-1]))
    return samples, statistics.median(sizes)


def check_after_first_task(workflow: BpmnWorkflow) -> None:
    """Every side must end its cycle at the same point: both parallel tasks open, the reminder armed."""
    ready = sorted(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY)
                   if isinstance(t.task_spec, CamundaUserTask))
    waiting = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.WAITING)]
    if ready != EXPECTED_OPEN or "plan_reminder" not in waiting:
        raise AssertionError(f"unexpected state after the cycle: ready {ready}, waiting {waiting}")


def bench_raw_embedded(files: dict[str, str], count: int, warmup: int) -> tuple[list[float], int]:
    """Stock parser and stock serializer: the whole spec travels inside every state.

    The stock parser turns the notify serviceTask into SpiffWorkflow's plain ServiceTask,
    which stock CAMUNDA_CONFIG cannot serialize and which never completes by itself (the
    token would stop there). Here it becomes a script task setting what the notify
    operator returns, so the token and the data end where they do on the other sides.
    """
    parser = CamundaParser()
    for path, body in sorted(files.items()):
        if path.endswith(".bpmn"):
            body = SERVICE_TASK.sub(r"<bpmn:scriptTask \1><bpmn:script>announce_notified = ['legal']</bpmn:script>"
                                    "</bpmn:scriptTask>", body)
            parser.add_bpmn_str(body.encode("utf-8"), filename=path)
    spec, subprocess_specs = parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    return raw_cycle_bench(lambda: BpmnWorkflow(spec, subprocess_specs), serializer, count, warmup,
                           lambda wf: None)


def bench_raw_referenced(files: dict[str, str], count: int, warmup: int) -> tuple[list[float], int]:
    """The service's serializer (spec by hash, from a SpecLibrary), without database or service code."""
    bundle = next(b for b in split_bundles(files) if b.process_id == PROCESS_ID)
    library = SpecLibrary()
    parsed = library.add(bundle)
    serializer = make_serializer(library)

    def prepare(workflow: BpmnWorkflow) -> None:
        workflow.operator_runner = lambda call: dict(NOTIFIED)  # notify: the data, not the outbox work

    return raw_cycle_bench(lambda: BpmnWorkflow(parsed.spec, parsed.subprocess_specs), serializer, count, warmup,
                           prepare)


# --- the service -------------------------------------------------------------------------------


def reset_postgres_bench() -> str:
    """Creates database `bench` if needed and empties its public schema (never touches `test`)."""
    return fresh_database("bench")


def bench_service(database_url: str, data_dir: Path, files: dict[str, str], count: int, warmup: int,
                  profile: bool) -> tuple[list[float], int]:
    """flows.instances.complete_task on the first task of pre-started, pre-claimed instances."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    services = runtime.build(Config(database_url=database_url, redis_url=REDIS_URL, data_dir=data_dir,
                                    queue_prefix="bench"), client)
    try:
        upgrade(services.db_engine)
        with services.sessions() as session:
            rep = seed_people(session)["rep"].id
            session.commit()
        deploy(services, files, "bench")
        task_ids = []
        for _ in range(warmup + count):
            instance_id = instances.start_process(services, PROCESS_ID, {}, actor_id=rep).instance_id
            with services.sessions() as session:
                task_id = session.scalar(select(Task.id).where(Task.instance_id == instance_id,
                                                               Task.status == "open"))
            instances.claim_task(services, task_id, rep)
            task_ids.append(task_id)

        def cycle(i: int) -> None:
            result = instances.complete_task(services, task_ids[i], rep, dict(FORM))
            assert result.next_wakeup_at is not None, "the cycle should have armed the 24 h reminder"

        profiler = cProfile.Profile() if profile else None
        if profiler:
            samples = timed(cycle, warmup, 0)
            profiler.enable()
            samples = timed(lambda i: cycle(warmup + i), count, 0)
            profiler.disable()
        else:
            samples = timed(cycle, count, warmup)
        with services.sessions() as session:
            size = session.scalar(select(func.avg(func.length(Instance.state))))
            outbox_rows = session.scalar(select(func.count()).select_from(Outbox))
            check_after_first_task(services.engine.restore(session.scalar(select(Instance.state).limit(1))))
        alarms = client.zcard(f"rq:scheduled:{services.config.timer_queue}")
        if outbox_rows != warmup + count or alarms != warmup + count:
            print(f"warning: expected {warmup + count} outbox rows and alarms, got {outbox_rows} and {alarms}",
                  file=sys.stderr)
        if profiler:
            print(f"\n--- cProfile of {count} service cycles ({services.db_engine.dialect.name}), top 30 cumulative")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return samples, size
    finally:
        services.db_engine.dispose()
        client.flushdb()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="timed iterations per cycle kind (after warm-up)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed iterations first")
    parser.add_argument("--postgres", action="store_true", help="also run the service cycle on PostgreSQL (bench)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the service cycles")
    args = parser.parse_args()
    files = read_tree(FIXTURES)

    rows = []
    samples, size = bench_raw_embedded(files, args.n, args.warmup)
    rows.append(("raw SpiffWorkflow, spec embedded", *stats_ms(samples), size))
    samples, size = bench_raw_referenced(files, args.n, args.warmup)
    raw_ref = stats_ms(samples)
    rows.append(("raw SpiffWorkflow, spec referenced", *raw_ref, size))
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        samples, size = bench_service(url, Path(tmp), files, args.n, args.warmup, args.profile)
        sqlite = stats_ms(samples)
        rows.append(("service complete_task, SQLite", *sqlite, size))
        pg = None
        if args.postgres:
            samples, size = bench_service(reset_postgres_bench(), Path(tmp), files, args.n, args.warmup,
                                          args.profile)
            pg = stats_ms(samples)
            rows.append(("service complete_task, PostgreSQL", *pg, size))

    nodes = sum(1 for line in files[f"bpmn/{PROCESS_ID}.bpmn"].splitlines()
                if line.strip().startswith(("<bpmn:startEvent", "<bpmn:endEvent", "<bpmn:userTask",
                                            "<bpmn:scriptTask", "<bpmn:serviceTask", "<bpmn:exclusiveGateway",
                                            "<bpmn:parallelGateway", "<bpmn:boundaryEvent")))
    print(f"\nOne cycle = load state, complete the first user task, run engine steps, store state "
          f"({PROCESS_ID}: {nodes} flow nodes; n={args.n} after {args.warmup} warm-up)\n")
    print(f"{'cycle':<38} {'median ms':>10} {'p90 ms':>10} {'state KB':>10}")
    for name, median, p90, size in rows:
        print(f"{name:<38} {median:>10.2f} {p90:>10.2f} {size / 1024:>10.1f}")
    print()
    if pg is not None:
        print(f"ratio (PostgreSQL): {pg[0] / raw_ref[0]:.2f}")
    print(f"ratio: {sqlite[0] / raw_ref[0]:.2f}")


if __name__ == "__main__":
    main()
