"""The timer job RQ runs when an instance's alarm rings."""

from __future__ import annotations

import logging

from service import runtime
from service.flows.errors import Conflict
from service.flows.timers import fire_due_timers
from service.logging_setup import annotate
from service.ops.shared_metrics import count_failure, observe_lateness
from service.store.outage import database_unavailable

log = logging.getLogger(__name__)
CONFLICT_RETRIES = 3
FAILED_OUTCOMES = {"failed": "incident", "conflict": "conflict",  # outcome -> job failure reason
                   "database_unavailable": "database_unavailable"}


def fire_timers(instance_id: int) -> str:
    """Fires what is due; if the alarm rang early, sets it again for the real time.

    A database outage is not an incident: nothing was committed, `next_wakeup_at` still
    says when the instance is due, and the sweeper sets the alarm again.
    """
    services = runtime.current()
    annotate(instance_id=instance_id)
    try:
        outcome = _fire(services, instance_id)
    except Exception as error:
        if not database_unavailable(error):
            raise
        log.warning("database unavailable; the sweeper sets this alarm again (%s)", type(error).__name__)
        outcome = "database_unavailable"
    if outcome in FAILED_OUTCOMES:
        count_failure(services.redis, services.config.queue_prefix, "fire_timers", FAILED_OUTCOMES[outcome])
    return outcome


def _fire(services, instance_id: int) -> str:
    for _attempt in range(CONFLICT_RETRIES):
        try:
            result = fire_due_timers(services, instance_id)
        except Conflict:
            continue  # someone else changed the instance; look again
        if result.outcome == "not_due":
            services.alarm.rearm(instance_id, result.next_wakeup_at)
        if result.fired:
            observe_lateness(services.redis, services.config.queue_prefix, result.lateness_s)
            log.info("fired %s, late by %s s", ", ".join(result.fired),
                     ", ".join(f"{s:.3f}" for s in result.lateness_s),
                     extra={"timers": result.fired, "lateness_s": result.lateness_s})
        return result.outcome
    log.warning("instance %s kept changing; the sweeper will wake it again", instance_id)
    return "conflict"
