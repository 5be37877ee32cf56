"""Starts due alarms within tens of milliseconds, where RQ's scheduler polls once a second.

It moves jobs from RQ's scheduled-job registry to the queue, as RQ's own scheduler
does, but compares fractional timestamps and looks often. Several dispatchers may
run: ZREM decides which one moves a job, so none is enqueued twice.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from .resilience import Outage, is_outage

log = logging.getLogger(__name__)


class TimerDispatcher:
    def __init__(self, connection: redis.Redis, queue_names: list[str], resolution_s: float = 0.02):
        self.connection = connection
        self.queues = [Queue(name, connection=connection) for name in queue_names]
        self.resolution_s = resolution_s

    def dispatch_due(self, now_ts: float | None = None) -> int:
        """Enqueues every scheduled job whose time is at or before `now_ts`; returns how many."""
        now_ts = time.time() if now_ts is None else now_ts
        moved = 0
        for queue in self.queues:
            registry = ScheduledJobRegistry(queue=queue)
            for job_id in registry.get_jobs_to_schedule(now_ts):
                if not self.connection.zrem(registry.key, job_id):
                    continue  # another dispatcher (or RQ's scheduler) took it
                job = Job.fetch_many([job_id], connection=self.connection)[0]
                if job is not None:
                    queue.enqueue_job(job)
                    moved += 1
        return moved

    def seconds_to_next(self, now_ts: float) -> float:
        soonest = None
        for queue in self.queues:
            first = self.connection.zrange(ScheduledJobRegistry(queue=queue).key, 0, 0, withscores=True)
            if first and (soonest is None or first[0][1] < soonest):
                soonest = first[0][1]
        return self.resolution_s if soonest is None else max(0.0, soonest - now_ts)

    def run(self, stop: threading.Event) -> None:
        """Loops until `stop`; a Redis error is logged and retried, never the end of punctual timers."""
        failures = 0
        outage = Outage(log, "Redis (timer dispatcher)")
        while not stop.is_set():
            try:
                self.dispatch_due()
                wait = min(self.resolution_s, self.seconds_to_next(time.time()))
                failures = 0
                outage.recovered()
            except redis.RedisError as error:
                failures += 1
                if is_outage(error):
                    outage.failed(error)  # once per outage
                else:
                    log.exception("timer dispatch failed (%s in a row); retrying", failures)
                wait = min(5.0, self.resolution_s * 2 ** min(failures, 16))
            stop.wait(wait)
