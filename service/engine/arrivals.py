"""When a user task arrives, read from the diagram: the user tasks (or the start) just before it.

Why: an empty task list should say what will appear there and when ("Review the contract arrives
after Sales finishes Submit the contract for review"). The diagram knows: walk back from each user
task along its incoming flows, through gateways, events and service tasks, until a user task or a
start event; a subprocess's start continues before the activity that holds it. No task is named in
Python: a new diagram explains itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask


@dataclass(frozen=True)
class Before:
    """One way a task comes about: ``task`` (a person's task `name`, done by `groups`), ``step`` (an
    activity `name` that runs a subprocess, e.g. the handover) or ``start`` (the process `name` starts)."""

    kind: str
    name: str
    groups: tuple[str, ...] = ()
    again: bool = False  # that task comes after this one too: the way back (a revision), not the first arrival
    element_id: str = field(default="", compare=False)  # what it names: its translations are keyed by it


@dataclass(frozen=True)
class Arrival:
    element_id: str
    name: str
    groups: tuple[str, ...]  # who it is offered to; empty when an expression chooses (`${group}`): its lane
    before: tuple[Before, ...]


def groups_of(task_spec) -> tuple[str, ...]:
    """``camunda:candidateGroups`` when the diagram names them, else the lane (as the engine offers it)."""
    raw = task_spec.extensions.get("candidateGroups")
    if raw and "${" not in raw and "#{" not in raw:
        return tuple(name.strip() for name in raw.split(",") if name.strip())
    return (task_spec.lane,) if task_spec.lane else ()


MAX_STEPS = 500  # a walk back visits each element once; this bounds a pathological diagram


def _holders(specs) -> dict[str, list]:
    """Subprocess name -> the activities (in any spec) that run it."""
    found: dict[str, list] = {}
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTask):
                found.setdefault(task_spec.spec, []).append(task_spec)
    return found


def _containers(task_spec, holders: dict[str, list]) -> set[str]:
    """The subprocesses that hold `task_spec`, at any depth."""
    found, queue = set(), [task_spec._wf_spec.name]
    while queue:
        name = queue.pop()
        if name not in found:
            found.add(name)
            queue.extend(caller._wf_spec.name for caller in holders.get(name, []))
    return found


def _only_after(before_spec, task_spec, holders: dict[str, list]) -> bool:
    """Is every way to `before_spec` through `task_spec`? Then it is the way back (a revision), not the way in."""
    blocked, seen, queue = _containers(task_spec, holders), set(), list(before_spec.inputs)
    while queue and len(seen) < MAX_STEPS:
        current = queue.pop()
        if id(current) in seen or current is task_spec:
            continue
        seen.add(id(current))
        if isinstance(current, SubWorkflowTask) and current.spec in blocked:
            continue
        if not current.inputs:
            callers = holders.get(current._wf_spec.name, [])
            if not callers:
                return False  # the process's start reaches it without passing the task
            queue.extend(i for caller in callers for i in caller.inputs)
        queue.extend(current.inputs)
    return True


def _before(task_spec, holders: dict[str, list], root, starters: tuple[str, ...]) -> tuple[Before, ...]:
    seen, found, queue, steps = {id(task_spec)}, [], list(task_spec.inputs), 0
    while queue and steps < MAX_STEPS:
        current = queue.pop(0)
        steps += 1
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CamundaUserTask):
            found.append(Before("task", current.bpmn_name or current.bpmn_id, groups_of(current),
                                _only_after(current, task_spec, holders), current.bpmn_id))
        elif isinstance(current, SubWorkflowTask):
            found.append(Before("step", current.bpmn_name or current.bpmn_id, element_id=current.bpmn_id))
        elif isinstance(current, StartEvent) and current.inputs and not any(
                isinstance(i, StartEvent) for i in current.inputs):
            queue.extend(current.inputs)
        elif not current.inputs:  # the spec's own start: the process starts, or the activity holding it ran
            callers = holders.get(current._wf_spec.name, []) if current._wf_spec is not root else []
            if callers:
                for caller in callers:
                    queue.extend(caller.inputs)
            else:
                found.append(Before("start", root.description or root.name, starters, element_id=root.name))
        else:
            queue.extend(current.inputs)
    return tuple(sorted(dict.fromkeys(found), key=lambda before: before.again))  # first arrivals first


def arrivals(parsed) -> list[Arrival]:
    """Every user task of a parsed process (its subprocesses included) with what comes just before it."""
    specs = (parsed.spec, *parsed.subprocess_specs.values())
    holders = _holders(specs)
    starters = (parsed.start_lane,) if parsed.start_lane else ()
    result = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, CamundaUserTask):
                result.append(Arrival(task_spec.bpmn_id, task_spec.bpmn_name or task_spec.bpmn_id, groups_of(task_spec),
                                      _before(task_spec, holders, parsed.spec, starters)))
    return result
