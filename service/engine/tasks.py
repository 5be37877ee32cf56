"""What people see of a workflow's user tasks: state, candidate group, due time, properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.util.task import TaskState

from . import timers
from .expressions import due_time, render


@dataclass(frozen=True)
class UserTaskState:
    task_id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    state: str  # open | completed | cancelled
    due_at: datetime | None
    data: dict
    candidate_group: str | None = None
    assignee: str | None = None
    properties: dict = field(default_factory=dict)


def _state(task) -> str | None:
    if task.has_state(TaskState.READY):
        return "open"
    if task.has_state(TaskState.COMPLETED):
        return "completed"
    if task.has_state(TaskState.CANCELLED):
        return "cancelled"
    return None


def _candidate_group(task) -> str | None:
    raw = task.task_spec.extensions.get("candidateGroups")
    if not raw:
        return task.task_spec.lane
    value = render(task, raw)
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]  # a decision's list of one group (camunda:mapDecisionResult="collectEntries")
    return str(value)


def _assignee(task) -> str | None:
    raw = task.task_spec.extensions.get("assignee")
    value = render(task, raw) if raw else None
    return str(value) if value else None


def _due(workflow, task, now: datetime, pending: list[timers.PendingTimer] | None) -> datetime | None:
    raw = task.task_spec.extensions.get("dueDate")
    if raw:
        return due_time(render(task, raw), now)
    sla = [t.due for t in timers.timers_of_task(workflow, task, pending)]
    return min(sla) if sla else None


def user_tasks(workflow, now: datetime, pending: list[timers.PendingTimer] | None = None) -> list[UserTaskState]:
    """`pending`: the workflow's pending timers, if the caller has them (each open task looks for its SLA)."""
    views = []
    for task in workflow.get_tasks(spec_class=CamundaUserTask):
        state = _state(task)
        if state is None:
            continue
        spec = task.task_spec
        is_open = state == "open"
        views.append(UserTaskState(
            task_id=str(task.id), element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id, lane=spec.lane,
            form_key=spec.form.key, state=state, due_at=_due(workflow, task, now, pending) if is_open else None,
            data=task.data, candidate_group=_candidate_group(task) if is_open else spec.lane,
            assignee=_assignee(task) if is_open else None,
            properties=dict(spec.extensions),
        ))
    return views
