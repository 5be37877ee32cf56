"""Real `handoff worker` and `handoff sweeper` processes, in real time.

These tests wait for other processes to act (polling the database); they never
sleep to let time pass. Timers here are one second long.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
from freezegun import freeze_time
from rq import Worker
from sqlalchemy import text

from service.clock import utcnow
from service.flows import instances
from service.jobs import heartbeat
from service.jobs.sweeper import sweep
from service.queues import wake_job_id
from service.store.db import make_engine
from tests.support import deploy_fixtures, events, instance, wait_until

pytestmark = pytest.mark.slow


@contextmanager
def running(child_env, *commands):
    processes = [subprocess.Popen([sys.executable, "-m", "service.cli", *command.split()], env=child_env,
                                  start_new_session=True) for command in commands]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def completed(services, instance_id):
    return instance(services, instance_id).status == "completed"


def test_real_worker_and_sweeper_fire_a_timer_on_time(services, child_env, config):
    deploy_fixtures(services)
    with running(child_env, "worker", "sweeper"):
        # Lateness is the timer machinery's, not the processes' start-up: arm the timer once both run.
        wait_until(lambda: Worker.all(connection=services.redis) and heartbeat.alive(
            services.redis, config.queue_prefix, heartbeat.SWEEPER), timeout_s=30)
        started = instances.start_process(services, "wait_then_finish", {"wait_for": "PT1S"})
        wait_until(lambda: completed(services, started.instance_id), timeout_s=30)
    [fired] = events(services, "timer_fired", started.instance_id)
    assert 0 < fired.data["lateness_s"] < 1.0


@contextmanager
def instance_locked(database_url: str, instance_id: int):
    """Holds a write lock so that a worker touching the instance blocks mid-job."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = make_engine(database_url)
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("SELECT id FROM instance WHERE id = :id FOR UPDATE"), {"id": instance_id})
        try:
            yield
        finally:
            transaction.rollback()
    engine.dispose()


def test_a_worker_killed_mid_job_loses_no_timer_and_fires_it_once(services, child_env, config):
    deploy_fixtures(services)
    started = instances.start_process(services, "wait_then_finish", {"wait_for": "PT1S"})
    due = instance(services, started.instance_id).next_wakeup_at
    job_key = f"rq:job:{wake_job_id(started.instance_id, due)}"

    with running(child_env, "sweeper"):
        with instance_locked(config.database_url, started.instance_id), running(child_env, "worker") as [worker]:
            wait_until(lambda: services.redis.hget(job_key, "status") == b"started", timeout_s=30)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        assert instance(services, started.instance_id).status == "running"
        assert events(services, "timer_fired", started.instance_id) == []

        with freeze_time(utcnow() + timedelta(minutes=3)):  # the killed job is now clearly abandoned
            assert sweep(services).scheduled == 1
        with running(child_env, "worker"):
            wait_until(lambda: completed(services, started.instance_id), timeout_s=30)

    assert len(events(services, "timer_fired", started.instance_id)) == 1
