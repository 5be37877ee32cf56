"""Skipping a failed element: the operator's data stands in for what the element would have done.

SpiffWorkflow leaves a task whose run raised in ``ERROR`` (`TaskSpec._run`); a user task whose due
date or candidate groups fail is ``READY``, a timer whose value fails is ``WAITING``. A skip replays
what was being done; when it fails at the element again, that element's task takes the data and
is completed, and the run goes on from there. Any other failure is raised as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from SpiffWorkflow.util.task import TaskState

from .errors import element_of

STUCK = (TaskState.ERROR, TaskState.READY | TaskState.WAITING | TaskState.STARTED)  # in this order of preference


def kind_of(spec) -> str:
    """What an element is, in a word an operator reads ("script", "operator", "decision"...)."""
    name = type(spec).__name__
    for word, kind in (("Script", "script"), ("Service", "operator"), ("BusinessRule", "decision"),
                       ("UserTask", "task"), ("Gateway", "condition"), ("CallActivity", "call"),
                       ("Event", "event")):
        if word in name:
            return "timer" if kind == "event" and "Timer" in type(getattr(spec, "event_definition", None)
                                                                   ).__name__ else kind
    return "step"


def element_spec(parsed, element_id: str | None):
    """The task spec of a BPMN element, in the process or any of its sub-processes."""
    if not element_id:
        return None
    for spec in (parsed.spec, *parsed.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) == element_id:
                return task_spec
    return None


def complete_at(workflow, element_id: str, data: dict) -> bool:
    """Gives the element's stuck task the data and completes it; False if no task of it is stuck."""
    for state in STUCK:
        tasks = [t for t in workflow.get_tasks(state=state) if getattr(t.task_spec, "bpmn_id", None) == element_id]
        if tasks:
            task = tasks[0]
            task.data.update(data)
            task.complete()
            return True
    return False


def replay_skipping(workflow, element_id: str, data: dict, action: Callable[[], None],
                    run_on: Callable[[], None]) -> bool:
    """Runs `action`; a failure at `element_id` completes that element with `data` and runs on.

    Also completes the element when it is left waiting (a user task whose due date fails only once
    its row is written). Returns whether the element was completed.
    """
    try:
        action()
    except Exception as error:  # noqa: BLE001 - only the element being skipped; others are raised again
        if element_of(error) != element_id:
            raise
    if not complete_at(workflow, element_id, data):
        return False
    run_on()
    return True
