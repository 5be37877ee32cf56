"""Where the flows' alarms and deliveries are queued: RQ jobs named by their entry points in
`service.jobs`, which this module never imports (the jobs use `service.runtime`, which builds these).

The alarm clock: one RQ scheduled job per (instance, wake-up time).

RQ's `enqueue_at` stores the time in whole seconds rounded *down*, so its own
scheduler may start a job up to a second early. We overwrite the score with the
exact fractional timestamp: RQ's scheduler then never starts it early, and our
`TimerDispatcher` starts it within tens of milliseconds of the due time.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry

FIRE_TIMERS = "service.jobs.timers.fire_timers"
DELIVER = "service.jobs.outbox.deliver_outbox"
JOB_TIMEOUT_S = 60
FAILURE_TTL_S = 7 * 24 * 3600


def wake_job_id(instance_id: int, at: datetime) -> str:
    return f"wake-{instance_id}-{int(at.timestamp() * 1000)}"


class RqAlarmClock:
    def __init__(self, connection: redis.Redis, queue_name: str):
        self.queue = Queue(queue_name, connection=connection)
        self.registry = ScheduledJobRegistry(queue=self.queue)

    def schedule(self, instance_id: int, at: datetime) -> None:
        self.schedule_many([(instance_id, at)])

    def rearm(self, instance_id: int, at: datetime) -> None:
        """Sets the alarm again from inside the job that rang early.

        It needs an id of its own: RQ deletes the running job's hash when it finishes
        (``result_ttl=0``), which would take a schedule under the same id with it.
        """
        self.schedule_many([(instance_id, at)], suffix=f"-again-{uuid.uuid4().hex[:8]}")

    def schedule_many(self, wakeups: list[tuple[int, datetime]], suffix: str = "", pipe=None) -> None:
        """Sets alarms in one round trip (or inside the caller's pipeline `pipe`)."""
        own = pipe is None
        pipe = self.queue.connection.pipeline(transaction=False) if own else pipe
        for instance_id, at in wakeups:
            job = self.queue.create_job(
                FIRE_TIMERS, args=(instance_id,), job_id=wake_job_id(instance_id, at) + suffix,
                result_ttl=0, failure_ttl=FAILURE_TTL_S, timeout=JOB_TIMEOUT_S,
            )
            self.queue.schedule_job(job, at, pipeline=pipe)
            pipe.zadd(self.registry.key, {job.id: at.timestamp()})
        if own:
            pipe.execute()

    def job_statuses(self, job_ids: list[str]) -> list[str | None]:
        with self.queue.connection.pipeline() as pipe:
            for job_id in job_ids:
                pipe.hget(f"rq:job:{job_id}", "status")
            return [s.decode() if s else None for s in pipe.execute()]


class RqOutboxDispatcher:
    def __init__(self, connection: redis.Redis, queue_name: str):
        self.queue = Queue(queue_name, connection=connection)

    def dispatch(self, outbox_ids: list[int], pipe=None) -> None:
        own = pipe is None
        pipe = self.queue.connection.pipeline(transaction=False) if own else pipe
        for outbox_id in outbox_ids:
            self.queue.enqueue(DELIVER, outbox_id, job_id=f"deliver-{outbox_id}", result_ttl=0, pipeline=pipe)
        if own:
            pipe.execute()

    def dispatch_at(self, outbox_id: int, at) -> None:
        job = self.queue.create_job(DELIVER, args=(outbox_id,), job_id=f"deliver-{outbox_id}-{int(at.timestamp())}",
                                    result_ttl=0)
        self.queue.schedule_job(job, at)
