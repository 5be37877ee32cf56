"""The safety net: the database is the truth, Redis only the alarm clock.

Every few seconds one indexed query finds instances waking up soon (or overdue)
and sets their alarms again. After Redis lost everything (FLUSHALL, a restart)
every timer still fires; duplicates are harmless because the timer job is
idempotent. Outbox rows whose delivery job was lost are dispatched again too.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from service.flows.context import Services
from service.flows.outbox import due_deliveries
from service.queues import wake_job_id
from service.store import queries

from . import heartbeat
from .dispatcher import TimerDispatcher
from .resilience import Backoff, Outage, is_outage

log = logging.getLogger(__name__)
IN_FLIGHT = {"queued", "started", "scheduled", "deferred"}
STALE_AFTER = timedelta(seconds=120)
SWEEP_LIMIT = 5000
HEARTBEAT_MIN_TTL_S = 30.0


@dataclass(frozen=True)
class SweepResult:
    scheduled: int
    skipped: int
    redelivered: int
    query_s: float


def sweep(services: Services, horizon: timedelta = timedelta(seconds=60)) -> SweepResult:
    """Sets the alarm of every instance waking before now + horizon that Redis does not hold."""
    now = services.clock()
    started = time.perf_counter()
    with services.sessions() as session:
        rows = queries.due_wakeups(session, now + horizon, SWEEP_LIMIT)
    query_s = time.perf_counter() - started
    statuses = services.alarm.job_statuses([wake_job_id(i, at) for i, at in rows]) if rows else []
    missing = [(i, at) for (i, at), status in zip(rows, statuses, strict=True)
               if status not in IN_FLIGHT or now - at > STALE_AFTER]
    if missing:
        services.alarm.schedule_many(missing)
    lost = due_deliveries(services, now - timedelta(seconds=30))
    if lost:
        services.outbox.dispatch(lost)
    return SweepResult(len(missing), len(rows) - len(missing), len(lost), query_s)


def run_forever(services: Services, stop: threading.Event, interval_s: float, resolution_s: float) -> None:
    """The `handoff sweeper` process: a punctual dispatcher thread plus a periodic sweep and a heartbeat."""
    config = services.config
    dispatcher = TimerDispatcher(services.redis, [config.timer_queue, config.outbox_queue], resolution_s)
    thread = None
    outage = Outage(log, "Redis or the database (sweeper)")
    backoff = Backoff(cap_s=max(0.5, min(10.0, interval_s)))  # retry sooner than a sweep while it is down
    while not stop.is_set():
        if thread is None or not thread.is_alive():  # (re)start the punctual dispatcher if it ever died
            thread = threading.Thread(target=dispatcher.run, args=(stop,), name="timer-dispatcher", daemon=True)
            thread.start()
        wait = interval_s
        try:
            heartbeat.beat(services.redis, config.queue_prefix, heartbeat.SWEEPER,
                           max(HEARTBEAT_MIN_TTL_S, 3 * interval_s))
            result = sweep(services, timedelta(seconds=config.sweep_horizon_s))
            outage.recovered()
            backoff.reset()
            if result.scheduled or result.redelivered:
                log.info("sweep: re-armed %s alarms, re-sent %s deliveries", result.scheduled, result.redelivered)
        except Exception as error:  # noqa: BLE001 - the sweeper must outlive a database or Redis outage
            if is_outage(error):
                outage.failed(error)  # logged once per outage, not at every retry
                wait = backoff.next_wait()
            else:
                log.exception("sweep failed; retrying")
        stop.wait(wait)
    thread.join(timeout=2)
    with contextlib.suppress(Exception):  # best effort: the entry expires on its own anyway
        heartbeat.stop(services.redis, config.queue_prefix, heartbeat.SWEEPER)
