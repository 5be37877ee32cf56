"""Due times of a workflow's waiting timers, and firing the ones that are due.

SpiffWorkflow evaluates a timer the first time it refreshes it and keeps the
result in the task's internal data (``event_value``); we read it back to know the
instance's next wake-up without asking the engine to fire anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.util.task import TaskState

MAX_CATCH_UP_ROUNDS = 100
# ``camunda:property name="counts_from" value="last_work"`` on a boundary cycle timer: its clock restarts
# whenever work inside the activity it is attached to is done (R1.1: "not updated for 24 hours").
COUNTS_FROM, LAST_WORK = "counts_from", "last_work"


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    element_id: str
    due: datetime
    kind: str
    interrupting: bool | None
    attached_to: str | None
    skipped: int = 0  # cycle slots that passed unseen (downtime, a freeze) and were not replayed


def _timer_definition(task):
    """The task's timer; an event-based gateway (a multiple event) holds the timer of the event after it."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return next((d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None)
    return definition


def _timer_element(task, definition) -> str:
    if isinstance(task.task_spec, EventBasedGateway):
        for output, inner in zip(task.task_spec.outputs, task.task_spec.event_definition.event_definitions,
                                 strict=False):
            if inner is definition:
                return output.bpmn_id
    return task.task_spec.bpmn_id


def _timer_due(task, definition=None) -> datetime | None:
    definition = definition or task.task_spec.event_definition
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if value["cycles"] == 0:
            return None
        return datetime.fromisoformat(value["next"])
    if isinstance(definition, TimeDateEventDefinition):
        return TimerEventDefinition.parse_time_or_duration(value)
    return TimerEventDefinition.get_datetime(value)


def _attached_task(task):
    """The activity a boundary event waits on: its sibling under the boundary split."""
    if not isinstance(task.task_spec, BoundaryEvent) or task.parent is None:
        return None
    return next((s for s in task.parent.children if not isinstance(s.task_spec, BoundaryEvent)), None)


def _attached_to(task) -> str | None:
    attached = _attached_task(task)
    return attached.task_spec.bpmn_id if attached is not None else None


def pending_timers(workflow) -> list[PendingTimer]:
    timers = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = _timer_definition(task)
        if not isinstance(definition, TimerEventDefinition) or not task.has_state(TaskState.WAITING):
            continue
        due = _timer_due(task, definition)
        if due is None:
            continue
        kind = type(definition).__name__.replace("TimerEventDefinition", "").replace("EventDefinition", "")
        interrupting = getattr(task.task_spec, "cancel_activity", None)
        timers.append(PendingTimer(str(task.id), _timer_element(task, definition), due, kind.lower(),
                                   interrupting, _attached_to(task)))
    return sorted(timers, key=lambda t: t.due)


def next_wakeup(workflow) -> datetime | None:
    timers = pending_timers(workflow)
    return timers[0].due if timers else None


def timers_of_task(workflow, task, pending: list[PendingTimer] | None = None) -> list[PendingTimer]:
    """Boundary timers attached to a task (its SLA clock); `pending`: the workflow's, if already known."""
    if task.parent is None:
        return []
    ids = {str(c.id) for c in task.parent.children if c is not task}
    return [t for t in (pending_timers(workflow) if pending is None else pending) if t.task_id in ids]


def _containing(workflow, task) -> set:
    """Ids of the task and of every call activity or sub-process it runs inside, up to the top process."""
    ids, inner = {task.id}, task.workflow
    while getattr(inner, "parent_task_id", None) is not None:
        ids.add(inner.parent_task_id)
        inner = workflow.get_task_from_id(inner.parent_task_id).workflow
    return ids


def restart_idle_clocks(workflow, task, now: datetime) -> list[str]:
    """Work done at `task` restarts the clock of every ``counts_from=last_work`` cycle around it.

    Such a timer reminds when the activity it is attached to (a stage) has seen no work for one
    cycle: the next reminder is one full cycle after the last work, and on the cycle after that
    while nothing happens. Returns the element ids of the timers restarted.
    """
    around = _containing(workflow, task)
    restarted = []
    for timer in list(workflow.event_manager.tasks.values()):
        definition = getattr(timer.task_spec, "event_definition", None)
        extensions = getattr(timer.task_spec, "extensions", None) or {}
        value = timer._get_internal_data("event_value")
        if (not isinstance(definition, CycleTimerEventDefinition) or extensions.get(COUNTS_FROM) != LAST_WORK
                or not timer.has_state(TaskState.WAITING) or not value or value["cycles"] == 0
                or not value["duration"]):
            continue
        attached = _attached_task(timer)
        if attached is None or attached.id not in around:
            continue
        timer._set_internal_data(event_value={**value, "next": (now + timedelta(seconds=value["duration"]))
                                              .isoformat()})
        restarted.append(timer.task_spec.bpmn_id)
    return restarted


def _skip_missed_cycles(workflow, now: datetime) -> dict[str, int]:
    """A cycle that missed several slots fires once now, not once per missed slot.

    SpiffWorkflow would replay every 24 h reminder a ten-day freeze skipped; a person
    needs one. Returns how many slots each cycle timer skipped.
    """
    skipped: dict[str, int] = {}
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        value = task._get_internal_data("event_value")
        if (not isinstance(definition, CycleTimerEventDefinition) or not task.has_state(TaskState.WAITING)
                or not value or value["cycles"] == 0 or not value["duration"]):
            continue
        first, step = datetime.fromisoformat(value["next"]), timedelta(seconds=value["duration"])
        slots = math.ceil((now - first) / step) if first < now else 0
        skip = slots - 1 if value["cycles"] < 0 else min(slots - 1, value["cycles"] - 1)
        if skip > 0:
            value = {**value, "next": (first + skip * step).isoformat()}
            if value["cycles"] > 0:
                value["cycles"] -= skip
            task._set_internal_data(event_value=value)
            skipped[str(task.id)] = skip
    return skipped


def fire_due(workflow, now: datetime, run_steps) -> list[PendingTimer]:
    """Fires every timer due strictly before `now`.

    SpiffWorkflow fires a timer when its due time is strictly in the past; we use the
    same rule so that `next_wakeup` and the engine never disagree. Another round runs
    when firing one timer started another that is already due.
    """
    fired: list[PendingTimer] = []
    for _ in range(MAX_CATCH_UP_ROUNDS):
        if not any(t.due < now for t in pending_timers(workflow)):
            break
        skipped = _skip_missed_cycles(workflow, now)
        due = [t for t in pending_timers(workflow) if t.due < now]
        workflow.refresh_timers()
        run_steps()
        still = {(t.task_id, t.due) for t in pending_timers(workflow)}
        newly = [replace(t, skipped=skipped.get(t.task_id, 0)) for t in due if (t.task_id, t.due) not in still]
        if not newly:
            break
        fired.extend(newly)
    return fired
