"""Moving an instance's engine state onto another version of its process (issue 10).

An instance names its spec by content hash (`serializer`), and its tasks name their specs by
BPMN id. Migrating keeps the tasks as they are (ids, data, timers' due times in their internal
data) and points them at the new version's elements: the same id, or the one a mapping names.

Only the active tokens must map (ready, waiting and started tasks): the predicted tasks ahead of
them are dropped and predicted again from the new diagram, so a step the new version adds after
the active task is where the process goes next. History whose element the new version lost is
spliced out of the tree (its data lives on in its children): it never runs again, and no join of
the new diagram can wait for an element it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .library import ParsedProcess

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
AHEAD = TaskState.FUTURE | TaskState.PREDICTED_MASK  # predicted, not reached: predicted again on the new version


@dataclass(frozen=True)
class Step:
    """One active token and where it would go on the new version; `problem` None when it maps."""

    element_id: str
    element_name: str
    kind: str
    maps_to: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _kind(spec) -> str:
    return type(spec).__name__


def _all_specs(parsed: ParsedProcess) -> dict[str, object]:
    """Every element of the version (top process, sub-process bodies, called processes) by BPMN id."""
    found = {}
    for process in (parsed.spec, *parsed.subprocess_specs.values()):
        for name, spec in process.task_specs.items():
            if getattr(spec, "bpmn_id", None):
                found.setdefault(name, spec)
    return found


def _spec_names(parsed: ParsedProcess) -> set[str]:
    """Every task spec name of the version, the engine's own splits and joins included."""
    return {name for process in _process_specs(parsed).values() for name in process.task_specs}


def _split(element_id: str) -> str:
    return f"{element_id}.BoundaryEventSplit"  # SpiffWorkflow's task before an activity with boundary events


def active_elements(workflow: BpmnWorkflow) -> list:
    """The active tasks that stand for a BPMN element (not the engine's own split/join tasks)."""
    return [task for task in workflow.get_tasks(state=ACTIVE) if getattr(task.task_spec, "bpmn_id", None)]


def plan(workflow: BpmnWorkflow, old: ParsedProcess, new: ParsedProcess, mapping: dict[str, str]) -> list[Step]:
    """Element by element, whether each active token has a counterpart of the same kind in `new`."""
    if old.process_id != new.process_id:
        problem = f"version {new.ref[:12]} is of process {new.process_id}, not {old.process_id}"
    elif old.ref == new.ref:
        problem = "the instance already runs on these files"
    else:
        problem = None
    targets, old_specs, steps, seen = _all_specs(new), _all_specs(old), [], set()
    new_names, old_names = _spec_names(new), _spec_names(old)
    for old_id in mapping:
        if old_id not in old_specs:
            steps.append(Step(old_id, old_id, "", mapping[old_id], f"the mapping names {old_id}, which is "
                              f"not an element of the instance's version"))
    for task in active_elements(workflow):
        spec = task.task_spec
        if spec.name in seen:
            continue
        seen.add(spec.name)
        target_id = mapping.get(spec.name, spec.name)
        target = targets.get(target_id)
        name = spec.bpmn_name or spec.name
        if problem:
            steps.append(Step(spec.name, name, _kind(spec), None, problem))
        elif target is None and spec.name in mapping:
            steps.append(Step(spec.name, name, _kind(spec), target_id,
                              f"the mapping sends it to {target_id}, which the new version does not have"))
        elif target is None:
            steps.append(Step(spec.name, name, _kind(spec), None,
                              f"the new version has no element {spec.name}; map it to one that it has"))
        elif _kind(target) != _kind(spec):
            steps.append(Step(spec.name, name, _kind(spec), target_id,
                              f"{target_id} is a {_kind(target)} on the new version, not a {_kind(spec)}"))
        elif _split(target_id) in new_names and _split(spec.name) not in old_names:
            steps.append(Step(spec.name, name, _kind(spec), target_id,
                              f"the new version attaches events to {target_id}, which is already active: they "
                              f"could not be armed; migrate before it is reached, or after it is done"))
        else:
            steps.append(Step(spec.name, name, _kind(spec), target_id))
    if problem and not steps:
        steps.append(Step("", "", "", None, problem))
    return steps


def _renamed(name: str, mapping: dict[str, str]) -> str:
    """A task spec's name on the new version: the element's, or a boundary split/join named after it."""
    if name in mapping:
        return mapping[name]
    head, dot, tail = name.partition(".")
    return mapping[head] + dot + tail if dot and head in mapping else name


def _prune(workflow, specs: dict) -> None:
    """Drops the predicted tasks, splices out finished ones whose element the new version lost."""
    for task in list(workflow.tasks.values()):
        if task.id in workflow.tasks and task.has_state(AHEAD) and task.parent is not None \
                and task.parent.has_state(ACTIVE):
            workflow._remove_task(task.id)
    for task in list(workflow.tasks.values()):
        if task.parent is None or task.task_spec.name in specs or not task.has_state(TaskState.FINISHED_MASK):
            continue
        parent, position = task.parent, task.parent._children.index(task.id)
        parent._children[position:position + 1] = list(task._children)
        for child in task.children:
            child._parent = parent.id
        if workflow.last_task is task:
            workflow.last_task = parent
        workflow.tasks.pop(task.id)


def _process_specs(parsed: ParsedProcess) -> dict[str, object]:
    return {"": parsed.spec, **parsed.subprocess_specs}


def migrate(engine, workflow: BpmnWorkflow, new: ParsedProcess, mapping: dict[str, str]) -> BpmnWorkflow:
    """The same instance on `new`: its data, its active tokens at their (mapped) elements, predicted afresh.

    Call `plan` first and only migrate when every step is ok.
    """
    new_names = _spec_names(new)
    old_names = {name: _renamed(name, mapping) for name in _names(workflow)}
    keep = {old for old, renamed in old_names.items() if renamed in new_names}
    for sub in (workflow, *workflow.subprocesses.values()):
        _prune(sub, keep)
    dct = engine.serializer.to_dict(workflow)
    dct["spec_ref"] = new.ref
    _rename(dct, mapping)
    for sub in dct["subprocesses"].values():  # a body's spec is its (renamed) task's: the serializer reads it
        _rename(sub, mapping)
    migrated = engine.serializer.from_dict(dct)
    for task in list(migrated.get_tasks(state=ACTIVE)):
        if not task.children:
            task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    return migrated


def _names(workflow: BpmnWorkflow) -> set[str]:
    return {task.task_spec.name for sub in (workflow, *workflow.subprocesses.values()) for task in sub.tasks.values()}


def _rename(dct: dict, mapping: dict[str, str]) -> None:
    for task in dct["tasks"].values():
        task["task_spec"] = _renamed(task["task_spec"], mapping)
