"""The timer job RQ runs when an instance's alarm rings."""

from __future__ import annotations

import logging

from service import runtime
from service.flows.errors import Conflict
from service.flows.timers import fire_due_timers

log = logging.getLogger(__name__)
CONFLICT_RETRIES = 3


def fire_timers(instance_id: int) -> str:
    """Fires what is due; if the alarm rang early, sets it again for the real time."""
    services = runtime.current()
    for _attempt in range(CONFLICT_RETRIES):
        try:
            result = fire_due_timers(services, instance_id)
        except Conflict:
            continue  # someone else changed the instance; look again
        if result.outcome == "not_due":
            services.alarm.rearm(instance_id, result.next_wakeup_at)
        return result.outcome
    log.warning("instance %s kept changing; the sweeper will wake it again", instance_id)
    return "conflict"
