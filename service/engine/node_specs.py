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

from SpiffWorkflow.bpmn.specs.defaults import ManualTask, NoneTask
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as BpmnParallel
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as BpmnSequential
from SpiffWorkflow.util.task import TaskState

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

    def create_child(self, my_task, item, key_or_index=None):
        super().create_child(my_task, item, key_or_index)
        child = my_task.children[-1]
        child.data["loopCounter"] = len(list(self._instances(my_task))) - 1
        for name in ("nrOfInstances", "nrOfCompletedInstances", "nrOfActiveInstances"):
            child.data.pop(name, None)

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
