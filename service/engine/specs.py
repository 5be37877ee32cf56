"""Task specs that SpiffWorkflow does not ship: the generic operator service task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask

from .expressions import render


@dataclass
class OperatorCall:
    """One service task asking the service to do something (notify, push, seal...)."""

    topic: str
    params: dict[str, Any]
    element_id: str
    task_id: str
    data: dict[str, Any] = field(repr=False, default_factory=dict)


class OperatorTask(ServiceTask):
    """A BPMN service task whose work is a named generic operator.

    Designers write what Camunda Modeler writes for an external task:
    ``camunda:type="external" camunda:topic="notify"`` with
    ``camunda:inputOutput/camunda:inputParameter`` values. A value of the form
    ``${expression}`` is evaluated against the task data; anything else is literal.
    The operator itself is supplied at run time by the caller (see `runner`), so
    the process rule lives in the diagram and the mechanism in Python.
    """

    def __init__(self, wf_spec, bpmn_id, topic=None, params=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic
        self.params = params or {}

    def render_params(self, task) -> dict[str, Any]:
        return {name: render(task, raw) for name, raw in self.params.items()}

    def _execute(self, task):
        if not self.topic:
            return True
        runner = getattr(task.workflow.top_workflow, "operator_runner", None)
        if runner is None:
            raise WorkflowTaskException(f"No operator runner to perform {self.topic!r}", task=task)
        call = OperatorCall(self.topic, self.render_params(task), self.bpmn_id, str(task.id), task.data)
        result = runner(call)
        if result:
            task.data.update(result)
        return True
