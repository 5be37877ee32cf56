"""The BPMN parser: SpiffWorkflow's Camunda dialect plus generic operator service tasks.

We read what Camunda Modeler (7.x "Camunda Platform" diagrams) writes, so designers
can use that common modeler or bpmn.io with the camunda moddle:

- ``userTask camunda:formKey="area/task.json"`` - the JSON Schema form, a path under ``forms/``;
- the user task's *lane name* is its candidate group;
- ``serviceTask camunda:type="external" camunda:topic="notify"`` with
  ``camunda:inputOutput`` input parameters - a generic operator (see `specs.OperatorTask`);
- ``businessRuleTask camunda:decisionRef`` - a DMN decision table;
- timers are standard ``timeDuration`` / ``timeDate`` / ``timeCycle`` expressions, which
  SpiffWorkflow evaluates as Python: ``"PT24H"`` must be quoted.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser

from .specs import OperatorTask


class OperatorTaskParser(CamundaTaskParser):
    """Parses ``camunda:topic`` and ``camunda:inputParameter`` of a service task."""

    def create_task(self):
        topic = self.attribute("topic", "camunda")
        params = {
            node.get("name"): (node.text or "")
            for node in self.xpath("./bpmn:extensionElements/camunda:inputOutput/camunda:inputParameter")
        }
        return self.spec_class(self.spec, self.bpmn_id, topic=topic, params=params, **self.bpmn_attributes)


class HandoffParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (OperatorTaskParser, OperatorTask),
    }
