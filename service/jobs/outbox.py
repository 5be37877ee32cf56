"""Outbox delivery on RQ: one job per row, retried later on failure."""

from __future__ import annotations

from service import runtime
from service.flows.outbox import deliver
from service.logging_setup import annotate
from service.ops.shared_metrics import count_failure
from service.store.outage import database_unavailable


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
