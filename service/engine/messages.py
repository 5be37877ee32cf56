"""BPMN messages and signals: what a workflow waits for, and catching one sent from outside.

A message or signal from outside carries a payload (a dict); it is merged into the data the
rest of the instance sees, as Camunda's ``POST /message`` sets ``processVariables``. A catch
event with ``camunda:resultVariable`` keeps the payload under that one name instead.

SpiffWorkflow's Camunda dialect would always store a message under ``<task>_Response``; the
definition below merges instead, and the parser uses it for every message event and receive task.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser, SendTaskParser
from SpiffWorkflow.bpmn.specs.defaults import ReceiveTask, SendTask
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaEventDefinitionParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessageDefinition
from SpiffWorkflow.util.task import TaskState

MESSAGE, SIGNAL = "message", "signal"


class HandoffMessageEventDefinition(CamundaMessageDefinition):
    """A message whose payload is merged into the catching task's data (or kept under its resultVariable)."""

    def update_internal_data(self, my_task, event):
        my_task.internal_data[self.name] = event.payload

    def get_correlations(self, my_task, payload):
        """Correlation properties are read from the message itself, not from the wrapper `catch` carries it in."""
        if isinstance(payload, dict) and set(payload) == {"payload", "result_var"}:
            payload = payload["payload"]
        return super().get_correlations(my_task, payload if isinstance(payload, dict) else {})

    def throw(self, my_task):
        """Sends the message: its payload is ``camunda:expression``'s value if the diagram gives one, else empty.

        A catch in this same instance takes it at once; otherwise it waits in the workflow's pending
        events, which `settle` hands to the outbox for the other instances (`flows.thrown`).
        """
        payload = my_task.workflow.script_engine.evaluate(my_task, self.expression) if self.expression else {}
        event = BpmnEvent(self, payload={"payload": payload, "result_var": self.result_var})
        my_task.workflow.top_workflow.catch(event)

    def update_task_data(self, my_task):
        event_data = my_task.internal_data.get(self.name)
        if not isinstance(event_data, dict):
            return
        payload, name = event_data.get("payload"), event_data.get("result_var") or self.result_var
        if name:
            my_task.data[name] = payload
        elif isinstance(payload, dict):
            my_task.set_data(**payload)


class _Merging(CamundaEventDefinitionParser):
    def parse_message_event(self, message_event):
        parsed = super().parse_message_event(message_event)
        return HandoffMessageEventDefinition(parsed.name, parsed.correlation_properties, parsed.expression,
                                             parsed.result_var)


class StartEventParser(_Merging, CamundaStartEventParser):
    def create_task(self):
        task = super().create_task()
        task.handoff_interrupting = self.node.get("isInterrupting", "true").lower() == "true"
        return task


class EndEventParser(_Merging, CamundaEndEventParser):
    pass


class CatchEventParser(_Merging, CamundaIntermediateCatchEventParser):
    pass


class ThrowEventParser(_Merging, CamundaIntermediateThrowEventParser):
    pass


class BoundaryEventParser(_Merging, CamundaBoundaryEventParser):
    pass


class HandoffReceiveTaskParser(_Merging, ReceiveTaskParser):
    pass


class HandoffSendTaskParser(_Merging, SendTaskParser):
    pass


PARSERS = {  # BPMN tag (local name) -> (parser, spec class) for `parser.HandoffParser`
    "startEvent": StartEventParser, "endEvent": EndEventParser, "intermediateCatchEvent": CatchEventParser,
    "intermediateThrowEvent": ThrowEventParser, "boundaryEvent": BoundaryEventParser,
}
TASK_PARSERS = {"receiveTask": (HandoffReceiveTaskParser, ReceiveTask), "sendTask": (HandoffSendTaskParser, SendTask)}


@dataclass(frozen=True)
class Wait:
    """One message or signal the instance waits for, at one element."""

    kind: str  # message | signal
    name: str
    element_id: str
    interrupting: bool | None = None  # a boundary event or event subprocess: does it cancel what it is on
    attached_to: str | None = None  # a boundary event: the task or subprocess it sits on


def kind_of(definition) -> str | None:
    if isinstance(definition, MessageEventDefinition):  # SpiffWorkflow's, Camunda's and ours
        return MESSAGE
    if isinstance(definition, SignalEventDefinition):
        return SIGNAL
    return None


def waiting_for(workflow) -> list[Wait]:
    """Every message and signal the workflow would catch now, one per element, in a stable order."""
    waits: dict[tuple[str, str, str], Wait] = {}
    for task in list(workflow.event_manager.tasks.values()):
        if not task.has_state(TaskState.WAITING):
            continue
        spec = task.task_spec
        for element_id, definition in _definitions(spec):
            kind = kind_of(definition)
            if kind and definition.name:
                interrupting = getattr(spec, "cancel_activity", None) if isinstance(spec, BoundaryEvent) else None
                waits[(kind, definition.name, element_id)] = Wait(kind, definition.name, element_id, interrupting,
                                                                  _attached_to(task))
    for wait in event_subprocess_starts(workflow):
        waits.setdefault((wait.kind, wait.name, wait.element_id), wait)
    return sorted(waits.values(), key=lambda w: (w.kind, w.name, w.element_id))


def _definitions(spec):
    """(element id, definition) pairs; an event-based gateway holds the definitions of the events after it."""
    definition = spec.event_definition
    if isinstance(spec, EventBasedGateway):
        return [(out.bpmn_id, d) for out, d in zip(spec.outputs, definition.event_definitions, strict=False)]
    if isinstance(definition, MultipleEventDefinition):
        return [(spec.bpmn_id, d) for d in definition.event_definitions]
    return [(spec.bpmn_id, definition)]


def _attached_to(task) -> str | None:
    if not isinstance(task.task_spec, BoundaryEvent) or task.parent is None:
        return None
    for sibling in task.parent.children:
        if not isinstance(sibling.task_spec, BoundaryEvent):
            return sibling.task_spec.bpmn_id
    return None


def event_subprocess_starts(workflow) -> list[Wait]:
    """Start events of the process's event subprocesses: caught at any time while the instance runs."""
    if workflow.is_completed():
        return []
    waits = []
    for name in workflow.spec.start.trigger_specs:
        spec = workflow.subprocess_specs.get(name)
        for start in spec.bpmn_start_events if spec is not None else []:
            kind = kind_of(start.event_definition)
            if kind and start.event_definition.name:
                waits.append(Wait(kind, start.event_definition.name, start.bpmn_id, interrupting(start)))
    return waits


def start_events(parsed_spec) -> list[Wait]:
    """A process's own message and signal start events: a correlation or a signal with no instance starts one."""
    return [Wait(kind, ts.event_definition.name, ts.bpmn_id) for ts in parsed_spec.bpmn_start_events
            if (kind := kind_of(ts.event_definition)) and ts.event_definition.name]


def catch(workflow, kind: str, name: str, payload: dict) -> bool:
    """Delivers a message or signal with `payload`; False when nothing in the workflow catches it."""
    definition = _waiting_definition(workflow, kind, name)
    if definition is None:
        return False
    if kind == MESSAGE and isinstance(definition, CamundaMessageDefinition):
        event = BpmnEvent(definition, {"payload": dict(payload), "result_var": None})
    else:
        event = BpmnEvent(definition, dict(payload))
    before = set(workflow.subprocesses)
    caught = workflow.event_manager.catch(event, internal=False) > 0
    for started in set(workflow.subprocesses) - before:
        _interrupt_for(workflow, workflow.get_task_from_id(started))
    return caught


def _interrupt_for(workflow, trigger_task) -> None:
    """An interrupting event subprocess cancels everything else the process was doing (BPMN 10.3.5).

    SpiffWorkflow starts the event subprocess but lets the rest run on; we cancel the rest.
    """
    spec = workflow.subprocess_specs.get(trigger_task.task_spec.name)
    if spec is None or not any(interrupting(start) and start.event_definition.name
                               for start in spec.bpmn_start_events if kind_of(start.event_definition)):
        return
    for child in list(workflow.task_tree.children):
        if child is not trigger_task:
            child.cancel()


def _waiting_definition(workflow, kind: str, name: str):
    for task in list(workflow.event_manager.tasks.values()):
        for _, definition in _definitions(task.task_spec):
            if kind_of(definition) == kind and definition.name == name:
                return definition
    for spec_name in workflow.spec.start.trigger_specs:
        spec = workflow.subprocess_specs.get(spec_name)
        for start in spec.bpmn_start_events if spec is not None else []:
            if kind_of(start.event_definition) == kind and start.event_definition.name == name:
                return start.event_definition
    return None


def interrupting(start_spec) -> bool:
    """An event subprocess's start: ``isInterrupting`` (true unless the diagram says false)."""
    return getattr(start_spec, "handoff_interrupting", True)


def thrown(workflow) -> list[tuple[str, str, dict]]:
    """Messages and signals the workflow threw that nothing in it caught, taken out of it: (kind, name, payload).

    A message carries what its ``camunda:expression`` gave (a dict is merged at the receiver); a signal
    carries nothing to another instance (SpiffWorkflow would copy the thrower's whole data into it).
    """
    events = []
    for event in workflow.get_events():
        kind = kind_of(event.event_definition)
        if kind is None or not event.event_definition.name:
            continue
        payload = event.payload if kind == MESSAGE else {}
        if kind == MESSAGE and isinstance(payload, dict) and "result_var" in payload:
            payload = {payload["result_var"]: payload["payload"]} if payload.get("result_var") else payload["payload"]
        events.append((kind, event.event_definition.name, payload if isinstance(payload, dict) else {}))
    return events


def catches_any(spec, subprocess_specs: dict) -> bool:
    """Does any element of the process (or its subprocesses) catch a message or a signal."""
    for process in (spec, *subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            inner = getattr(definition, "event_definitions", None) or [definition]
            if any(kind_of(d) for d in inner):
                return True
    return False
