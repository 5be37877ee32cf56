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
- ``businessRuleTask camunda:decisionRef`` - a DMN decision (`dmn`), with ``camunda:resultVariable`` and
  ``camunda:mapDecisionResult``; a DMN file may hold several decisions and a decision requirements graph;
- Camunda 7's JUEL in ``${...}`` (conditions, due dates, assignees, candidate groups, parameters) is translated
  to Python when the diagram is parsed (`juel`); what is not JUEL is Handoff's ``${python}`` form;
- timers are standard ``timeDuration`` / ``timeDate`` / ``timeCycle`` expressions, which
  SpiffWorkflow evaluates as Python: ``"PT24H"`` must be quoted.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from . import dmn, messages
from .juel import condition_source, translate_dollar
from .specs import OperatorTask


class OperatorTaskParser(CamundaTaskParser):
    """Parses ``camunda:topic`` and ``camunda:inputParameter`` of a service task."""

    def create_task(self):
        topic = self.attribute("topic", "camunda")
        params = {
            node.get("name"): translate_dollar(node.text or "")
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
                extensions[attribute] = translate_dollar(value)
        return extensions


class JuelConditions:
    """Mixed into every node parser: a ``${...}`` sequence-flow condition is JUEL, read as Python (`juel`)."""

    def parse_condition(self, sequence_flow):
        return condition_source(super().parse_condition(sequence_flow))


_WITH_JUEL: dict[type, type] = {}


def _with_juel(parser_class: type) -> type:
    if parser_class not in _WITH_JUEL:
        _WITH_JUEL[parser_class] = type(parser_class.__name__, (JuelConditions, parser_class), {})
    return _WITH_JUEL[parser_class]


class HandoffParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (HandoffUserTaskParser, UserTask),
        full_tag("serviceTask"): (OperatorTaskParser, OperatorTask),
        full_tag("businessRuleTask"): (dmn.HandoffBusinessRuleTaskParser, dmn.HandoffBusinessRuleTask),
        # Messages merge their payload into the data (see `messages`); same spec classes as SpiffWorkflow's.
        **{full_tag(tag): (parser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag(tag)][1])
           for tag, parser in messages.PARSERS.items()},
        **{full_tag(tag): pair for tag, pair in messages.TASK_PARSERS.items()},
    }

    def _get_parser_class(self, tag):
        parser_class, spec_class = super()._get_parser_class(tag)
        return (_with_juel(parser_class) if parser_class else None), spec_class

    def _add_data_stores(self, bpmn):
        """A data store Handoff has no implementation of is documentation (Camunda draws them so); reading or
        writing one through a data association is refused by the validator (`validate_camunda`)."""
        for data_store in bpmn.xpath(".//bpmn:dataStore", namespaces=self.namespaces):
            implementation = self.DATA_STORE_CLASSES.get(data_store.get("name"))
            if implementation is not None and data_store.get("id"):
                self.data_stores[data_store.get("id")] = implementation(
                    data_store.get("id"), data_store.get("name"), data_store.get("capacity"),
                    data_store.get("isUnlimited"))

    def add_dmn_xml(self, node, filename=None):
        """Every decision of the file (SpiffWorkflow's parser takes the first only, or fails on two)."""
        dmn.register_dmn(self, node, filename)

    def get_engine(self, decision_ref, node):
        return dmn.build_engine(self.dmn_parsers, decision_ref, node)
