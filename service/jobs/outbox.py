"""Outbox delivery on RQ: one job per row, retried later on failure."""

from __future__ import annotations

import redis
from rq import Queue

from service import runtime
from service.flows.outbox import deliver
from service.logging_setup import annotate
from service.ops.shared_metrics import count_failure
from service.store.outage import database_unavailable

DELIVER = "service.jobs.outbox.deliver_outbox"


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


def deliver_outbox(outbox_id: int) -> str:
    """Delivers one row; a channel that refused is counted as a job failure (`retry`, or `failed` for good).

    A database outage leaves the row pending (or its lease running): the sweeper sends it again.
    """
    services = runtime.current()
    annotate(outbox_id=outbox_id)
    try:
        result = deliver(services, outbox_id)
    except Exception as error:
        if not database_unavailable(error):
            raise
        count_failure(services.redis, services.config.queue_prefix, "deliver_outbox", "database_unavailable")
        return "database_unavailable"
    if result.outcome == "retry":
        services.outbox.dispatch_at(outbox_id, result.retry_at)
    if result.outcome in ("retry", "failed"):
        count_failure(services.redis, services.config.queue_prefix, "deliver_outbox", f"delivery_{result.outcome}")
    return result.outcome
