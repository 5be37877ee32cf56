"""A worker or sweeper started before Redis is up waits for it, logs that once, and then works (item 9).

In a deployment the processes often start before their Redis (compose, a reboot): they
must not die, nor log a line per retry. Redis here is the test's own, started late.
"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
from rq import Worker

from service.jobs import heartbeat
from service.redis_conn import connect
from tests.ops.processes import process
from tests.ops.servers import OwnRedis
from tests.support import wait_until

pytestmark = pytest.mark.slow


def test_worker_and_sweeper_started_before_redis_wait_for_it(child_env, config, tmp_path):
    late = OwnRedis(tmp_path)
    logs = [tmp_path / "worker.log", tmp_path / "sweeper.log"]
    env = {**child_env, "REDIS_URL": late.url, "HANDOFF_SWEEP_INTERVAL": "1", "HANDOFF_LOG_FORMAT": "text"}
    try:
        with ExitStack() as stack:
            processes = [stack.enter_context(process([sys.executable, "-m", "service.cli", command], env, log))
                         for command, log in zip(("worker", "sweeper"), logs, strict=True)]
            wait_until(lambda: all("unavailable (" in log.read_text() for log in logs), timeout_s=60, poll_s=0.1)
            time.sleep(2)  # Redis stays away a little longer: a few seconds of real time, retried with backoff
            assert [p.poll() for p in processes] == [None, None], [log.read_text() for log in logs]
            late.start()
            client = connect(late.url)
            wait_until(lambda: Worker.all(connection=client)
                       and heartbeat.alive(client, config.queue_prefix, heartbeat.SWEEPER), timeout_s=60, poll_s=0.1)
            assert [p.poll() for p in processes] == [None, None]
            for child in processes:  # a stop request still stops them, promptly and cleanly
                child.terminate()
            assert [_exit_code(child) for child in processes] == [0, 0], [log.read_text() for log in logs]
    finally:
        late.stop()
    worker_log, sweeper_log = (log.read_text() for log in logs)
    assert worker_log.count("unavailable (") == 1, worker_log  # once, not once per retry
    assert 1 <= sweeper_log.count("unavailable (") <= 2, sweeper_log  # the sweep and its dispatcher: once each


def _exit_code(child, timeout_s: float = 30) -> int | str:
    try:
        return child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return f"still running after {timeout_s:.0f} s"
