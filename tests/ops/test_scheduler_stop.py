"""A worker's stop reaches RQ's scheduler child even when the first SIGTERM is lost (CI once hung 30 s on it).

RQ forks the scheduler and sends it one SIGTERM at teardown; a signal that arrives
before the child has installed its handlers is lost, and RQ then joins for ever. The
children here are real processes that lose the first signal, or every signal.
"""

from __future__ import annotations

import multiprocessing
import signal
import time

from service.jobs import worker as worker_module
from service.jobs.worker import make_worker


def _loses_first_sigterm(ready):
    received = []
    signal.signal(signal.SIGTERM, lambda *_: received.append(1))
    ready.set()
    while len(received) < 2:
        time.sleep(0.05)


def _ignores_sigterm(ready):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    while True:
        time.sleep(0.05)


def _scheduler_child(target):
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=target, args=(ready,), daemon=True)
    child.start()
    assert ready.wait(10)
    return child


def test_a_lost_first_sigterm_is_repeated_until_the_scheduler_stops(services):
    worker = make_worker(services)
    worker.scheduler = type("Scheduler", (), {})()
    worker.scheduler._process = _scheduler_child(_loses_first_sigterm)
    worker.stop_scheduler()
    assert not worker.scheduler._process.is_alive()
    assert worker.scheduler._process.exitcode == 0  # it stopped on its own, at the second signal


def test_a_scheduler_deaf_to_sigterm_is_killed(services, monkeypatch):
    monkeypatch.setattr(worker_module, "SCHEDULER_STOP_ATTEMPTS", 2)
    worker = make_worker(services)
    worker.scheduler = type("Scheduler", (), {})()
    worker.scheduler._process = _scheduler_child(_ignores_sigterm)
    worker.stop_scheduler()
    assert worker.scheduler._process.exitcode == -signal.SIGKILL
