"""What people see of a workflow's user tasks: state, candidate groups, due time, properties.

The due date, candidate groups and assignee a designer writes (``camunda:dueDate``...) are
evaluated here, when a task opens; one that fails, or gives what no task can use, is a
`ProcessError` naming the task and the attribute, never a bare exception half-way through
writing the instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.util.task import TaskState

from . import iso8601, timers
from .errors import ProcessError, cause_text
from .expressions import due_time, render

MAX_GROUPS = 50  # groups one task is offered to
MAX_NAME = 200  # the length of a group name or username the task table holds


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
    candidate_group: str | None = None  # the first of `candidate_groups` (what one-group readers use)
    assignee: str | None = None
    properties: dict = field(default_factory=dict)
    candidate_groups: tuple[str, ...] = ()


def _state(task) -> str | None:
    if task.has_state(TaskState.READY):
        return "open"
    if task.has_state(TaskState.COMPLETED):
        return "completed"
    if task.has_state(TaskState.CANCELLED):
        return "cancelled"
    return None


def _failed(task, attribute: str, raw: str, reason: str) -> ProcessError:
    """Names the attribute as the designer wrote it (``${owner.name}``, not the engine's ``${owner['name']}``)."""
    element = task.task_spec.bpmn_id
    written = getattr(task.task_spec, "written", {}).get(attribute, raw)
    return ProcessError(element, f"user task {element}: camunda:{attribute} {_short(written)!r} {reason}")


def _why(task, error: Exception) -> str:
    """What went wrong, in plain words: the cause SpiffWorkflow's "Error evaluating expression" wraps."""
    if isinstance(error, ProcessError):
        return error.message
    return cause_text(error.__cause__ or error.__context__ or error, task.data)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 80 else text[:77] + "..."


def _evaluated(task, attribute: str):
    """The attribute's value for this task: literal text, or what its ``${...}`` gives."""
    raw = task.task_spec.extensions.get(attribute)
    if not raw:
        return raw, None
    try:
        return raw, render(task, raw)
    except Exception as error:  # noqa: BLE001 - a designer's expression: anything it raises is its fault
        raise _failed(task, attribute, raw, f"failed: {_why(task, error)}") from error


def split_groups(value) -> list[str] | None:
    """Candidate groups as Camunda reads them: a comma-separated text or a list of names; None if neither."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple | set | frozenset):
        if not all(isinstance(item, str) for item in value):
            return None
        items = sorted(value) if isinstance(value, set | frozenset) else list(value)
    else:
        return None
    return list(dict.fromkeys(name.strip() for name in items if name.strip()))


def candidate_groups(task) -> tuple[str, ...]:
    """``camunda:candidateGroups`` (a list, or names separated by commas), else the lane."""
    raw, value = _evaluated(task, "candidateGroups")
    if not raw:
        return (task.task_spec.lane,) if task.task_spec.lane else ()
    groups = split_groups(value)
    if groups is None:
        raise _failed(task, "candidateGroups", raw, f"gave {type(value).__name__} {_short(repr(value))}; "
                                                      "it must give a group name or a list of names")
    if not groups:
        raise _failed(task, "candidateGroups", raw, "gave no group: nobody could take the task")
    if len(groups) > MAX_GROUPS or any(len(name) > MAX_NAME for name in groups):
        raise _failed(task, "candidateGroups", raw, f"gave more than {MAX_GROUPS} groups or a name longer "
                                                      f"than {MAX_NAME} characters")
    return tuple(groups)


def _assignee(task) -> str | None:
    raw, value = _evaluated(task, "assignee")
    if value is None or value == "":
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _failed(task, "assignee", raw, f"gave {type(value).__name__} {_short(repr(value))}; "
                                             "it must give one username")
    if len(str(value)) > MAX_NAME:
        raise _failed(task, "assignee", raw, f"gave a name longer than {MAX_NAME} characters")
    return str(value)


def _due(workflow, task, now: datetime, pending: list[timers.PendingTimer] | None) -> datetime | None:
    raw, value = _evaluated(task, "dueDate")
    if raw:
        try:
            return due_time(value, now)
        except iso8601.TimeValueError as error:
            raise _failed(task, "dueDate", raw, f"cannot be a due date: {error}") from None
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
        groups = candidate_groups(task) if is_open else ((spec.lane,) if spec.lane else ())
        views.append(UserTaskState(
            task_id=str(task.id), element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id, lane=spec.lane,
            form_key=spec.form.key, state=state, due_at=_due(workflow, task, now, pending) if is_open else None,
            data=task.data, candidate_group=groups[0] if groups else None,
            assignee=_assignee(task) if is_open else None,
            properties=dict(spec.extensions), candidate_groups=groups,
        ))
    return views
