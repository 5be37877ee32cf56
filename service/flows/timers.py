"""Waking an instance: fire what is due, never early, harmless when repeated or late."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.store.models import Instance

from . import incidents
from .context import Services
from .errors import Conflict, FlowError, ProcessFailed
from .operators import OperatorContext
from .settle import engine_errors, log_timer, schedule_after_commit, settle
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
STUCK_RETRY = timedelta(seconds=1)


@dataclass(frozen=True)
class WakeResult:
    outcome: str  # fired | not_due | idle | failed
    next_wakeup_at: datetime | None = None
    fired: list[str] = field(default_factory=list)
    lateness_s: list[float] = field(default_factory=list)  # fire time minus due time, per fired timer


def fire_due_timers(services: Services, instance_id: int) -> WakeResult:
    """Fires every timer of the instance that is due now.

    `not_due` tells the caller when to come back (an alarm that rang early must be
    set again, never dropped). A process failure turns the instance into an
    incident instead of failing forever.
    """
    try:
        return _fire(services, instance_id)
    except Conflict:
        raise
    except ProcessFailed as error:
        incidents.record(services, instance_id, error, {"kind": "timer"})
        return WakeResult("failed")
    except FlowError as error:
        incidents.record(services, instance_id, ProcessFailed(error.message), {"kind": "timer"})
        return WakeResult("failed")


def _fire(services: Services, instance_id: int) -> WakeResult:
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = uow.session.get(Instance, instance_id)
        if instance is None or instance.status != "running" or instance.frozen or instance.next_wakeup_at is None:
            return WakeResult("idle")
        if instance.next_wakeup_at >= now:
            return WakeResult("not_due", instance.next_wakeup_at)
        ctx = OperatorContext.of(services, uow.session, instance, now)
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            fired = services.engine.fire_due_timers(workflow, now, ctx)
        for timer in fired:
            log_timer(uow.session, instance, timer, now)
        settle(services, uow, instance, workflow, ctx, now)
        if not fired and instance.next_wakeup_at is not None and instance.next_wakeup_at < now:
            log.warning("instance %s: timer due at %s did not fire; retrying", instance.id, instance.next_wakeup_at)
            instance.next_wakeup_at = now + STUCK_RETRY
            schedule_after_commit(services, uow, instance)
        uow.commit()
        return WakeResult("fired", instance.next_wakeup_at, [t.element_id for t in fired],
                          [(now - t.due).total_seconds() for t in fired])
