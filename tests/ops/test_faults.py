"""Outages that heal (issue 13, item 9): real workers and a sweeper outlive Redis and PostgreSQL going away.

The test starts its own Redis and (on the PostgreSQL run) its own PostgreSQL cluster, on
free ports, never the machine's shared ones; two `handoff worker` processes and one
`handoff sweeper`; and calls the API in-process. Then, with timers due a few seconds ahead:

1. Redis is killed for a few seconds and started again on the same port, empty; a project
   is completed while it is down (the answer is 200: it committed).
2. PostgreSQL (on the PostgreSQL run) is stopped for a few seconds with timers coming due;
   API calls meanwhile answer 503 with Retry-After, and a completion retried afterwards with
   the same Idempotency-Key tells the truth.
3. A worker is SIGKILLed in the middle of a timer job and another one is started.

Afterwards, with no process restarted by hand but the killed worker: every timer fired
exactly once and never early, every webhook message arrived exactly once (counted by
Idempotency-Key) and is `sent`, every completion's answer agrees with the database, the
processes started at the beginning are still alive, and each logged an outage once, not
once per retry. Real time passes here (the outages last seconds; the processes' timers are
1-5 s): the one place it must. The killed job is handed back by a sweep run in-process
under freezegun three minutes on (as `tests/jobs/test_real_workers.py` does): the real
sweeper would do the same once the job is two minutes stale.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
import redis
from freezegun import freeze_time
from rq import Worker
from rq.job import Job
from sqlalchemy import select

from service import runtime
from service.app import create_app
from service.clock import utcnow
from service.config import Config
from service.demo import seed_people
from service.jobs import heartbeat
from service.jobs.sweeper import sweep
from service.queues import wake_job_id
from service.redis_conn import connect
from service.store.db import make_engine
from service.store.migrate import upgrade
from service.store.models import AuditEvent, Instance, Outbox, Task
from tests.conftest import BACKEND
from tests.integrations.receivers import HttpReceiver
from tests.jobs.test_real_workers import instance_locked
from tests.ops.conftest import deploy_ops
from tests.ops.processes import process
from tests.ops.servers import OwnPostgres, OwnRedis, postgres_bin
from tests.support import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
PASSWORD = "faults-pw-1"
SECRET = "faults-webhook-secret-0123456789"
PREFIX = "faults"


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def own_database(tmp_path):
    """Our own PostgreSQL cluster on the PostgreSQL run; a SQLite file on the SQLite run."""
    if BACKEND != "postgresql":
        yield None, f"sqlite:///{tmp_path / 'faults.db'}"
        return
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("no initdb/pg_ctl on this machine: cannot run a PostgreSQL of our own to stop")
    server = OwnPostgres(bin_dir).create()
    try:
        yield server, server.url
    finally:
        server.destroy()


def handoff(command: str) -> list[str]:
    return [sys.executable, "-m", "service.cli", command]


class Api:
    """The web, in-process: every answer is kept, to compare with the database afterwards."""

    def __init__(self, app):
        self.client = app.test_client()
        self.headers: dict[str, str] = {}
        self.completions: list[tuple[int, int, str]] = []  # (task id, HTTP status, Idempotency-Key)

    def login(self) -> None:
        response = self.client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {response.json['token']}"}

    def prepare(self, wait_for: str) -> tuple[int, int]:
        """Starts a quick handoff and claims its task; returns (instance id, task id)."""
        started = self.client.post("/api/v1/processes/quick_handoff/instances", headers=self.headers,
                                   json={"data": {"wait_for": wait_for}})
        assert started.status_code == 201, started.get_data(as_text=True)
        instance_id = started.json["id"]
        [task] = [t for t in self.client.get("/api/v1/tasks?scope=groups", headers=self.headers).json
                  if t["instance_id"] == instance_id]
        claimed = self.client.post(f"/api/v1/tasks/{task['id']}/claim", headers=self.headers, json={})
        assert claimed.status_code == 200, claimed.get_data(as_text=True)
        return instance_id, task["id"]

    def complete(self, task_id: int, key: str):
        response = self.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"notes": "ready"}},
                                    headers={**self.headers, "Idempotency-Key": key})
        self.completions.append((task_id, response.status_code, key))
        return response

    def handoff(self, wait_for: str) -> int:
        instance_id, task_id = self.prepare(wait_for)
        response = self.complete(task_id, f"complete-{task_id}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return instance_id


def rows(services, model, *where):
    with services.sessions() as session:
        return list(session.scalars(select(model).where(*where)))


def all_completed(services, ids) -> bool:
    return all(i.status == "completed" for i in rows(services, Instance, Instance.id.in_(ids)))


def workers_alive(connection: redis.Redis, count: int) -> bool:
    try:
        return len(Worker.all(connection=connection)) == count
    except redis.exceptions.ConnectionError:
        return False


def outage_lines(log) -> int:
    return sum("unavailable (" in line for line in log.read_text().splitlines())


def test_outages_heal_without_a_restart_by_hand(own_redis, own_database, tmp_path):
    pg, database_url = own_database
    receiver = HttpReceiver(SECRET).start()
    notify = tmp_path / "notify.json"
    notify.write_text(json.dumps({"users": {"rep": {"channels": ["webhook"],
                                                    "webhook": {"url": receiver.url, "secret": SECRET}}}}))
    config = Config(database_url=database_url, redis_url=own_redis.url, data_dir=tmp_path, queue_prefix=PREFIX,
                    notify_config=notify, secret_key="faults-secret-key", sweep_interval_s=1.0)
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    services = runtime.build(config, connect(own_redis.url))
    runtime.install(services)
    deploy_ops(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": own_redis.url, "HANDOFF_QUEUE_PREFIX": PREFIX,
           "HANDOFF_DATA_DIR": str(tmp_path), "HANDOFF_NOTIFY_CONFIG": str(notify), "HANDOFF_SWEEP_INTERVAL": "1",
           "HANDOFF_SECRET_KEY": "faults-secret-key", "HANDOFF_LOG_LEVEL": "WARNING", "HANDOFF_LOG_FORMAT": "text"}
    logs = {name: tmp_path / f"{name}.log" for name in ("worker_a", "worker_b", "worker_c", "sweeper")}
    api = Api(create_app(config, services))
    api.login()
    timers: list[int] = []  # every instance whose timer must fire exactly once

    with ExitStack() as stack:
        stack.callback(receiver.stop)
        stack.callback(services.db_engine.dispose)
        worker_a = stack.enter_context(process(handoff("worker"), env, logs["worker_a"]))
        worker_b = stack.enter_context(process(handoff("worker"), env, logs["worker_b"]))
        sweeper = stack.enter_context(process(handoff("sweeper"), env, logs["sweeper"]))
        wait_until(lambda: workers_alive(services.redis, 2)
                   and heartbeat.alive(services.redis, PREFIX, heartbeat.SWEEPER), timeout_s=60, poll_s=0.1)

        # 1. Redis dies with timers due in 4 s, and comes back empty.
        timers += [api.handoff("PT4S") for _ in range(3)]
        wait_until(lambda: len(receiver.requests) == 3, timeout_s=30, poll_s=0.05)
        own_redis.stop()
        timers.append(api.handoff("PT2S"))  # commits; its alarm and delivery cannot be queued: the sweeper's job
        health = api.client.get("/health?format=json")
        assert health.status_code == 503 and not health.json["checks"]["redis"]["ok"]
        assert str(own_redis.port) not in health.get_data(as_text=True)
        time.sleep(3)  # the outage lasts a few seconds of real time
        own_redis.start()
        wait_until(lambda: workers_alive(services.redis, 2), timeout_s=60, poll_s=0.1)  # re-registered
        wait_until(lambda: all_completed(services, timers), timeout_s=60, poll_s=0.1)

        # 2. PostgreSQL stops with timers due in 3 s; the API answers 503 meanwhile.
        if pg is not None:
            timers += [api.handoff("PT3S") for _ in range(2)]
            late_instance, late_task = api.prepare("PT1S")
            timers.append(late_instance)
            pg.stop()
            during = api.complete(late_task, "complete-during-the-outage")
            assert during.status_code == 503 and during.headers["Retry-After"] == "5", during.get_data(as_text=True)
            assert during.json["code"] == "service_unavailable"
            listed = api.client.get("/api/v1/tasks", headers=api.headers)
            assert listed.status_code == 503 and listed.headers["Retry-After"] == "5"
            time.sleep(4)  # the timers come due while the database is away
            pg.start()
            retried = wait_until(lambda: _accepted(api.complete(late_task, "complete-during-the-outage")),
                                 timeout_s=30, poll_s=0.5)  # a 503 says: try again (a stale pooled connection)
            assert retried.status_code == 200, retried.get_data(as_text=True)
            wait_until(lambda: all_completed(services, timers), timeout_s=60, poll_s=0.1)

        # Every message reaches the receiver (the one queued while Redis was down: by the sweeper, 30 s on).
        wait_until(lambda: all(r.status == "sent" for r in rows(services, Outbox)), timeout_s=90, poll_s=0.2)

        # 3. A worker dies (SIGKILL) in the middle of a timer job; another one is started.
        with services.sessions() as session:
            before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        victim_instance = api.handoff("PT1S")
        timers.append(victim_instance)
        due = rows(services, Instance, Instance.id == victim_instance)[0].next_wakeup_at
        job_id = wake_job_id(victim_instance, due)
        with instance_locked(database_url, victim_instance):  # the job blocks on the instance, mid-flight
            wait_until(lambda: services.redis.hget(f"rq:job:{job_id}", "status") == b"started", timeout_s=30)
            holder = Job.fetch(job_id, connection=services.redis).worker_name
            pid = int(services.redis.hget(f"rq:worker:{holder}", "pid"))
            victim, survivor = (worker_a, worker_b) if pid == worker_a.pid else (worker_b, worker_a)
            assert victim.pid == pid
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
        worker_c = stack.enter_context(process(handoff("worker"), env, logs["worker_c"]))
        assert not [e for e in rows(services, AuditEvent, AuditEvent.id > (before or 0),
                                    AuditEvent.instance_id == victim_instance, AuditEvent.kind == "timer_fired")]
        with freeze_time(utcnow() + timedelta(minutes=3)):  # the killed job is now clearly abandoned
            assert sweep(services).scheduled >= 1
        wait_until(lambda: all_completed(services, timers), timeout_s=60, poll_s=0.1)
        wait_until(lambda: all(r.status == "sent" for r in rows(services, Outbox)), timeout_s=30, poll_s=0.2)
        alive = {"survivor": survivor.poll(), "worker_c": worker_c.poll(), "sweeper": sweeper.poll()}

    assert alive == {"survivor": None, "worker_c": None, "sweeper": None}  # nobody restarted them
    fired = Counter(e.instance_id for e in rows(services, AuditEvent, AuditEvent.kind == "timer_fired"))
    assert fired == {i: 1 for i in timers}  # each timer exactly once
    for event in rows(services, AuditEvent, AuditEvent.kind == "timer_fired"):
        assert event.data["lateness_s"] >= 0, event.data  # never early
    messages = rows(services, Outbox)
    assert len(messages) == len(timers) and {m.status for m in messages} == {"sent"}
    keys = Counter(r.headers["idempotency-key"] for r in receiver.requests)
    assert keys == {str(m.id): 1 for m in messages}  # each message arrived once
    assert all(r.signature_valid for r in receiver.requests)
    for task_id, status, _key in api.completions:  # a 200 committed; a 503 was followed by a truthful retry
        [task] = rows(services, Task, Task.id == task_id)
        assert status in (200, 503) and task.status == "completed", (task_id, status, task.status)
    survivor_log = logs["worker_a"] if survivor is worker_a else logs["worker_b"]
    outages = 2 if pg is not None else 1
    assert 1 <= outage_lines(survivor_log) <= 2 * outages, survivor_log.read_text()  # down and back, per outage
    assert 1 <= outage_lines(logs["sweeper"]) <= 3 * outages, logs["sweeper"].read_text()


def _accepted(response):
    return response if response.status_code != 503 else None
