"""The BPMN parser: SpiffWorkflow's Camunda dialect plus generic operator service tasks.

We read what Camunda Modeler (7.x "Camunda Platform" diagrams) writes, so designers
can use that common modeler or bpmn.io with the camunda moddle:

- ``userTask camunda:formKey="area/task.json"`` - the JSON Schema form, a path under ``forms/``;
- the user task's *lane name* is its candidate group, unless ``camunda:candidateGroups`` names one
  (``${expression}`` allowed, e.g. the group a DMN table routed a lead to);
- ``camunda:dueDate`` on a user task: its due time, an ISO duration from when it opens, an ISO
  date, or ``${expression}`` (e.g. ``${business_hours("PT24H")}``);
- ``camunda:assignee`` on a user task: a username, usually ``${initiator}`` (who started the instance);
- ``camunda:properties`` on a user task: ``seals`` (data keys nobody may change after this task),
  ``signs`` (data keys the completer signs), ``stage`` and other hints;
- ``serviceTask camunda:type="external" camunda:topic="notify"`` with
  ``camunda:inputOutput`` input parameters - a generic operator (see `specs.OperatorTask`);
- ``businessRuleTask camunda:decisionRef`` - a DMN decision table;
- timers are standard ``timeDuration`` / ``timeDate`` / ``timeCycle`` expressions, which
  SpiffWorkflow evaluates as Python: ``"PT24H"`` must be quoted.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from . import messages
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


class HandoffUserTaskParser(UserTaskParser):
    """Adds Camunda's ``candidateGroups``, ``dueDate`` and ``assignee`` attributes to the task's extensions.

    Both may be ``${expression}`` on the task data: the DMN-routed group of a lead,
    a due date computed in business hours.
    """

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        for attribute in ("candidateGroups", "dueDate", "assignee"):
            value = self.attribute(attribute, "camunda")
            if value:
                extensions[attribute] = value
        return extensions


class HandoffParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (HandoffUserTaskParser, UserTask),
        full_tag("serviceTask"): (OperatorTaskParser, OperatorTask),
        # Messages merge their payload into the data (see `messages`); same spec classes as SpiffWorkflow's.
        **{full_tag(tag): (parser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag(tag)][1])
           for tag, parser in messages.PARSERS.items()},
        **{full_tag(tag): pair for tag, pair in messages.TASK_PARSERS.items()},
    }
