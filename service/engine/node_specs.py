"""Task specs for BPMN nodes whose SpiffWorkflow default would wait for a caller Handoff does not have.

- ``bpmn:task`` and ``bpmn:manualTask`` complete on their own, as in Camunda 7: SpiffWorkflow makes
  them "manual" (READY until someone runs them), but no task row shows them, so an instance would stop.
- Multi-instance activities read Camunda's ``camunda:collection``/``camunda:elementVariable`` as
  the standard ``loopDataInputRef``/``inputDataItem`` (the element is the instance's own variable,
  gone from the data when the activity ends), and ``completionCondition`` sees Camunda's
  ``nrOfInstances``, ``nrOfCompletedInstances`` and ``nrOfActiveInstances`` and ``loopCounter``.
"""

from __future__ import annotations

import re
from copy import deepcopy

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.control import SimpleBpmnTask, _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import EventSubprocess, ManualTask, NoneTask, StartEvent
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as BpmnParallel
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as BpmnSequential
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent as StartEventMixin
from SpiffWorkflow.util.task import TaskIterator, TaskState

_DOLLAR = re.compile(r"^\$\{(.*)\}$", re.DOTALL)  # Camunda writes ${...}; the inside is the expression


class AutoNoneTask(NoneTask):
    """A plain ``bpmn:task``: nothing to do, so the token moves on."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class AutoManualTask(ManualTask):
    """A ``bpmn:manualTask``: work done outside any system, so the token moves on (Camunda 7 does the same)."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class CamundaLoopMixin:
    """Camunda's loop variables, and an element variable that stays the instance's own."""

    def _check_collection(self, my_task) -> None:
        """A collection that is missing or not a list fails at this element, in words (not Python's TypeError)."""
        if self.data_input is None:
            return
        name = self.data_input.bpmn_id
        if not self.data_input.exists(my_task):
            raise WorkflowDataException(f"the collection {name} is not in the process data", my_task)
        value = self.data_input.get(my_task)
        if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
            raise WorkflowDataException(f"the collection {name} is not a list (it is {value!r:.60})", my_task)

    def create_children(self, my_task):
        self._check_collection(my_task)
        return super().create_children(my_task)

    def init_remaining_items(self, my_task):
        self._check_collection(my_task)
        return super().init_remaining_items(my_task)

    def create_child(self, my_task, item, key_or_index=None):
        """SpiffWorkflow's, with ``loopCounter`` set before the instance starts (a sub-process copies its data then)."""
        task_spec = my_task.workflow.spec.task_specs[self.task_spec]
        if not task_spec.completed_event.is_connected(self.merge_child):
            task_spec.completed_event.connect(self.merge_child)
        for variable in (self.input_item, self.output_item):
            if variable is not None and variable.exists(my_task):
                raise WorkflowDataException(f"Multiinstance variable {variable.bpmn_id} already exists.", my_task)
        child = my_task._add_child(task_spec, TaskState.WAITING)
        child.triggered = True
        if self.input_item is not None:
            self.input_item.set(child, deepcopy(item))
        if key_or_index is not None:
            child.internal_data["key_or_index"] = key_or_index
        else:
            child.internal_data["item"] = item
        child.data["loopCounter"] = len(list(self._instances(my_task))) - 1
        child.task_spec._update(child)

    def merge_child(self, workflow, child):
        for name in self._instance_variables():
            child.data.pop(name, None)
        super().merge_child(workflow, child)

    def _instance_variables(self) -> list[str]:
        names = ["loopCounter"]
        if self.input_item is not None:
            names.append(self.input_item.bpmn_id)
        return names

    def check_completion_condition(self, my_task):
        merged = my_task.internal_data.get("merged", [])
        if not merged or self.condition is None:
            return None
        last_child = next(c for c in my_task.children if str(c.id) == merged[-1])
        instances = list(self._instances(my_task))
        completed = sum(1 for c in instances if c.has_state(TaskState.COMPLETED))
        active = sum(1 for c in instances if not c.has_state(TaskState.FINISHED_MASK))
        total = self._total(my_task, instances)
        context = {"nrOfInstances": total, "nrOfCompletedInstances": completed, "nrOfActiveInstances": active}
        expression = _DOLLAR.sub(r"\1", self.condition.strip())
        return my_task.workflow.script_engine.evaluate(last_child, expression, external_context=context)


class ParallelMultiInstance(CamundaLoopMixin, BpmnParallel):
    def _total(self, my_task, instances) -> int:
        return len(instances)


class SequentialMultiInstance(CamundaLoopMixin, BpmnSequential):
    def _total(self, my_task, instances) -> int:
        cardinality = my_task.internal_data.get("cardinality")
        if cardinality is not None:
            return cardinality
        return len(instances) + len(my_task.internal_data.get("remaining", []))


def idle_listener(task) -> bool:
    """An event sub-process still waiting for its start event: it listens, it does not work."""
    if not isinstance(task.task_spec, EventSubprocess) or not task.has_state(TaskState.NOT_FINISHED_MASK):
        return False
    subprocess = task.workflow.top_workflow.subprocesses.get(task.id)
    if subprocess is None:  # e.g. just triggered by an error: about to work
        return False
    starts = subprocess.get_tasks(spec_class=StartEventMixin)
    return bool(starts) and all(t.has_state(TaskState.WAITING) for t in starts)


class ProcessEndJoin(_EndJoin):
    """A process ends when its work is done, even if event sub-processes are still listening.

    SpiffWorkflow's end join waits for every unfinished task, so a process with a timer
    event sub-process would stay running after its last end event until the timer fired.
    As in BPMN, the listeners end with their process.
    """

    def _check_threshold_unstructured(self, my_task):
        for task in TaskIterator(my_task.workflow.task_tree, state=TaskState.NOT_FINISHED_MASK, end_at_spec=self.name):
            if task.task_spec != self and not idle_listener(task):  # a listener's path also ends here
                return False
        return True

    def _run_hook(self, my_task):
        listeners = [t for t in my_task.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK) if idle_listener(t)]
        for task in listeners:
            task.cancel()
        return super()._run_hook(my_task)


class EventStartEvent(StartEvent):
    """A start event; in an interrupting event sub-process, starting it ends the rest of its process's work.

    SpiffWorkflow interrupts only for boundary events: an interrupting timer or error event
    sub-process would run beside the work it should have stopped.
    """

    interrupting = True

    def _run_hook(self, my_task):
        if self.interrupting:
            interrupt_parent(my_task)
        return super()._run_hook(my_task)


def interrupt_parent(start_task) -> None:
    parent_id = getattr(start_task.workflow, "parent_task_id", None)
    if parent_id is None:
        return
    top = start_task.workflow.top_workflow
    handler = top.get_task_from_id(parent_id)
    if handler is None or not isinstance(handler.task_spec, EventSubprocess):
        return
    scope = handler.workflow
    doomed = []
    for task in TaskIterator(scope.task_tree, state=TaskState.NOT_FINISHED_MASK):
        if task is handler or task.is_descendant_of(handler) or isinstance(task.task_spec, (_EndJoin, SimpleBpmnTask)):
            continue
        if idle_listener(task) or any(task.is_descendant_of(t) for t in doomed):
            continue
        doomed.append(task)
    for task in doomed:
        if task.has_state(TaskState.NOT_FINISHED_MASK):
            task.cancel()
