"""The BPMN parser: SpiffWorkflow's Camunda dialect plus generic operator service tasks.

We read what Camunda Modeler (7.x "Camunda Platform" diagrams) writes, so designers
can use that common modeler or bpmn.io with the camunda moddle:

- ``userTask camunda:formKey="area/task.json"`` - the JSON Schema form, a path under ``forms/``;
- the user task's *lane name* is its candidate group, unless ``camunda:candidateGroups`` names one
  (``${expression}`` allowed, e.g. the group a DMN table routed a lead to);
- ``camunda:dueDate`` on a user task: its due time, an ISO duration from when it opens, an ISO
  date, or ``${expression}`` (e.g. ``${business_hours("PT24H")}``);
- ``camunda:assignee`` on a user task: a username, usually ``${initiator}`` (who started the instance);
- ``camunda:properties`` on a boundary cycle timer: ``counts_from=last_work`` restarts its clock whenever
  work inside the activity is done (a stage SLA "not updated for 24 hours", see `timers`);
- ``camunda:properties`` on a user task: ``seals`` (data keys nobody may change after this task),
  ``signs`` (data keys the completer signs), ``stage`` and other hints;
- ``serviceTask camunda:type="external" camunda:topic="notify"`` with
  ``camunda:inputOutput`` input parameters - a generic operator (see `specs.OperatorTask`);
- ``businessRuleTask camunda:decisionRef`` - a DMN decision (`dmn`), with ``camunda:resultVariable`` and
  ``camunda:mapDecisionResult``; a DMN file may hold several decisions and a decision requirements graph;
- Camunda 7's JUEL in ``${...}`` (conditions, due dates, assignees, candidate groups, parameters) is translated
  to Python when the diagram is parsed (`juel`); what is not JUEL is Handoff's ``${python}`` form;
- timers are ``timeDuration`` / ``timeDate`` / ``timeCycle``: an unquoted ISO 8601 literal as Camunda
  Modeler writes it (``PT5M``), JUEL ``${...}``, or Python (``"PT24H"``, ``business_hours("PT24H")``),
  see `timer_text`;
- ``bpmn:task`` and ``bpmn:manualTask`` complete on their own (as in Camunda 7), see `node_specs`;
- multi-instance: ``loopCardinality``, ``camunda:collection`` + ``camunda:elementVariable``, or the
  standard ``loopDataInputRef`` + ``inputDataItem``, with an optional ``completionCondition``;
- ``callActivity`` with Camunda's ``camunda:in`` / ``camunda:out`` mappings, see `call_activity`.
"""

from __future__ import annotations

import re

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.parser.task_parsers import SubprocessParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask as SubWorkflowTaskMixin
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CamundaTaskParser,
    ScriptTaskParser,
    SubWorkflowParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask

from . import dmn, long_chains, messages, timer_text
from .call_activity import MappedCallActivity, parse_mappings
from .expressions import render
from .juel import condition_source, translate_dollar
from .node_specs import (
    AutoManualTask,
    AutoNoneTask,
    EventStartEvent,
    ParallelMultiInstance,
    ProcessEndJoin,
    SequentialMultiInstance,
)
from .specs import OperatorTask

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DOLLAR = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_NAME = re.compile(r"^\s*(?:\$\{\s*)?([A-Za-z_][A-Za-z_0-9]*)(?:\s*\})?\s*$")

long_chains.install()


class ExpressionReference(TaskDataReference):
    """A ``camunda:collection="${expression}"``: the collection is what the expression gives."""

    def get(self, my_task):
        return render(my_task, self.bpmn_id)

    def exists(self, my_task):
        return True


def collection_reference(text: str) -> TaskDataReference:
    """``items`` or ``${items}`` read a variable; any other ``${...}`` is evaluated."""
    match = _NAME.match(text)
    return TaskDataReference(match.group(1)) if match else ExpressionReference(text)


class MultiInstanceMixin:
    """Multi-instance as Camunda 7 and the BPMN standard write it (see `node_specs`).

    SpiffWorkflow's Camunda parser reads only ``camunda:collection`` (as input *and* output,
    changing the spec at run time) and refuses the standard ``loopDataInputRef``.
    """

    PARALLEL_MI_CLASS = ParallelMultiInstance
    SEQUENTIAL_MI_CLASS = SequentialMultiInstance

    def _add_multiinstance_task(self, loop_characteristics):
        collection = self.attribute("collection", "camunda", loop_characteristics)
        if collection is None:
            TaskParser._add_multiinstance_task(self, loop_characteristics)
            if self.task.cardinality:  # Camunda writes ${3} or ${copies}
                self.task.cardinality = _DOLLAR.sub(r"\1", self.task.cardinality.strip())
            for attr, tag in (("input_item", "inputDataItem"), ("output_item", "outputDataItem")):
                item = loop_characteristics.find(f"{{{BPMN_NS}}}{tag}")
                if item is not None and item.get("name"):  # the name is the variable (ids are unique in a file)
                    setattr(self.task, attr, TaskDataReference(item.get("name"), item.get("name")))
            return None
        element = self.attribute("elementVariable", "camunda", loop_characteristics)
        condition = self.xpath("./bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition")
        original = self.spec.task_specs.pop(self.task.name)
        sequential = loop_characteristics.get("isSequential") == "true"
        cls = self.SEQUENTIAL_MI_CLASS if sequential else self.PARALLEL_MI_CLASS
        self.task = cls(self.spec, original.name, task_spec="", data_input=collection_reference(collection),
                        input_item=TaskDataReference(element) if element else None,
                        condition=condition[0].text if condition else None,
                        description=f"{'Sequential' if sequential else 'Parallel'} MultiInstance")
        self._copy_task_attrs(original, loop_characteristics)
        return None


class NodeParser(MultiInstanceMixin, CamundaTaskParser):
    """``bpmn:task`` and ``bpmn:manualTask`` (auto-completing, see `node_specs`)."""


class OperatorTaskParser(MultiInstanceMixin, CamundaTaskParser):
    """Parses ``camunda:topic`` and ``camunda:inputParameter`` of a service task."""

    def create_task(self):
        topic = self.attribute("topic", "camunda")
        params = {
            node.get("name"): translate_dollar(node.text or "")
            for node in self.xpath("./bpmn:extensionElements/camunda:inputOutput/camunda:inputParameter")
        }
        return self.spec_class(self.spec, self.bpmn_id, topic=topic, params=params, **self.bpmn_attributes)


class HandoffUserTaskParser(MultiInstanceMixin, UserTaskParser):
    """Adds Camunda's ``candidateGroups``, ``dueDate`` and ``assignee`` attributes to the task's extensions.

    Both may be ``${expression}`` on the task data: the DMN-routed group of a lead,
    a due date computed in business hours.
    """

    ATTRIBUTES = ("candidateGroups", "dueDate", "assignee")

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        for attribute in self.ATTRIBUTES:
            value = self.attribute(attribute, "camunda")
            if value:
                extensions[attribute] = translate_dollar(value)
        return extensions

    def create_task(self):
        """The spec also keeps the designer's own text, for messages (specs are parsed again, never stored)."""
        spec = super().create_task()
        spec.written = {name: value for name in self.ATTRIBUTES if (value := self.attribute(name, "camunda"))}
        return spec


class JuelConditions:
    """Mixed into every node parser: a ``${...}`` sequence-flow condition is JUEL, read as Python (`juel`)."""

    def parse_condition(self, sequence_flow):
        return condition_source(super().parse_condition(sequence_flow))


class CamundaTimers:
    """Timer text read as Camunda 7 reads it (`timer_text`), for every event parser."""

    def parse_timer_event(self, event):
        return timer_text.read_definition(super().parse_timer_event(event))


class EventProperties:
    """``camunda:properties`` on events too (SpiffWorkflow reads them on tasks only), e.g. a boundary
    timer's ``counts_from=last_work`` (`timers.restart_idle_clocks`)."""

    def parse_extensions(self, node=None):
        if isinstance(self, CamundaTaskParser):  # tasks: SpiffWorkflow's own reading
            return super().parse_extensions(node)
        nodes = self.xpath("./bpmn:extensionElements/camunda:properties/camunda:property")
        return {n.get("name"): n.get("value") for n in nodes if n.get("name")}


_WITH_JUEL: dict[type, type] = {}


def _with_juel(parser_class: type) -> type:
    if parser_class not in _WITH_JUEL:
        _WITH_JUEL[parser_class] = type(parser_class.__name__, (JuelConditions, CamundaTimers, EventProperties,
                                                                  parser_class), {})
    return _WITH_JUEL[parser_class]


class HandoffSubProcessParser(MultiInstanceMixin, SubWorkflowParser):
    """An embedded sub-process, possibly multi-instance, or an event sub-process.

    SpiffWorkflow's Camunda parser makes every sub-process a plain one, so an event
    sub-process would start with its process instead of waiting for its event.
    """

    def create_task(self):
        if self.node.get("triggeredByEvent") != "true":
            return super().create_task()
        spec = SubprocessParser.get_subprocess_spec(self)
        return self.EVENT_SUBPROCESS_CLASS(self.spec, self.bpmn_id, subworkflow_spec=spec, **self.bpmn_attributes)


class HandoffScriptTaskParser(MultiInstanceMixin, ScriptTaskParser):
    """A script task, possibly multi-instance."""


class HandoffBusinessRuleTaskParser(MultiInstanceMixin, dmn.HandoffBusinessRuleTaskParser):
    """A business rule task (`dmn`), possibly multi-instance."""


class HandoffCallActivityParser(MultiInstanceMixin, CamundaTaskParser):
    """``calledElement`` plus Camunda's ``camunda:in`` / ``camunda:out`` (see `call_activity`)."""

    def create_task(self):
        called = SubprocessParser.get_call_activity_spec(self)
        return self.spec_class(self.spec, self.bpmn_id, subworkflow_spec=called,
                               in_mappings=parse_mappings(self.node, "in"),
                               out_mappings=parse_mappings(self.node, "out"), **self.bpmn_attributes)


class HandoffStartEventParser(messages.StartEventParser):
    """Start events of event sub-processes may wait for an error or an escalation.

    SpiffWorkflow's start event parser reads only message, signal, timer and conditional
    definitions: an error start event would become a plain one and start at once.
    """

    def create_task(self):
        definition = self.get_event_definition([MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH,
                                                CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH, ESCALATION_EVENT_XPATH])
        task = self._create_task(definition)
        task.interrupting = task.handoff_interrupting = self.node.get("isInterrupting", "true").lower() == "true"
        self.spec.start.connect(task)
        return task


class HandoffProcessParser(long_chains.ChainSafeProcessParser):
    """Parses a chain of any length without deep recursion (`long_chains`); processes end when their work
    is done, whatever their event sub-processes still listen for."""

    def create_spec(self):
        spec = super().create_spec()
        spec.end.__class__ = ProcessEndJoin  # same state, one rule more (`node_specs.ProcessEndJoin`)
        return spec


class HandoffParser(CamundaParser):
    PROCESS_PARSER_CLASS = HandoffProcessParser

    def get_subprocess_specs(self, name, specs=None, require_call_activity_specs=True):
        """SpiffWorkflow's, but a call activity naming a process nobody has is reported at the call activity."""
        used = specs if specs is not None else {}
        wf_spec = self.get_spec(name)
        for task_spec in wf_spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTaskMixin) and task_spec.spec not in used:
                if require_call_activity_specs and self.get_process_parser(task_spec.spec) is None:
                    self._unknown_called_process(name, task_spec)
                used[task_spec.spec] = self.get_spec(task_spec.spec, required=require_call_activity_specs)
                if used[task_spec.spec] is not None:
                    self.get_subprocess_specs(task_spec.spec, used)
        return used

    def _unknown_called_process(self, caller: str, task_spec) -> None:
        parser = self.get_process_parser(caller)
        nodes = parser.node.xpath(".//*[@id=$id]", id=task_spec.bpmn_id) if parser is not None else []
        known = ", ".join(sorted(self.get_process_ids())) or "none"
        raise ValidationException(f"calledElement {task_spec.spec!r} names no process of this deployment or "
                                  f"deployed before (processes: {known})", node=nodes[0] if nodes else None,
                                  file_name=parser.filename if parser is not None else None)

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (HandoffUserTaskParser, UserTask),
        full_tag("serviceTask"): (OperatorTaskParser, OperatorTask),
        # Messages merge their payload into the data (see `messages`); same spec classes as SpiffWorkflow's.
        **{full_tag(tag): (parser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag(tag)][1])
           for tag, parser in messages.PARSERS.items()},
        **{full_tag(tag): pair for tag, pair in messages.TASK_PARSERS.items()},
        full_tag("startEvent"): (HandoffStartEventParser, EventStartEvent),  # messages' parser, and more
        full_tag("task"): (NodeParser, AutoNoneTask),
        full_tag("manualTask"): (NodeParser, AutoManualTask),
        full_tag("scriptTask"): (HandoffScriptTaskParser, ScriptTask),
        full_tag("businessRuleTask"): (HandoffBusinessRuleTaskParser, dmn.HandoffBusinessRuleTask),
        full_tag("subProcess"): (HandoffSubProcessParser, CallActivity),
        full_tag("callActivity"): (HandoffCallActivityParser, MappedCallActivity),
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
