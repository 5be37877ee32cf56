"""What SpiffWorkflow cannot run as BPMN says is refused at validate time: one line each, with the element, its line
and what to draw instead; what it runs (tests/flows/test_constructs_*.py) validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.engine.validate import validate, validate_files

CONSTRUCTS = Path(__file__).resolve().parent.parent / "fixtures" / "constructs"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs" targetNamespace="http://handoff.example/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
"""  # the body starts on line 7
TAIL = """  </bpmn:process>
</bpmn:definitions>
"""
COMPENSATION = ("compensation is not run by Handoff; model the undo step as ordinary flow (e.g. an error boundary "
                "event leading to the task that undoes the work)")


def problems(body: str) -> list[str]:
    return [str(p) for p in validate_files({"bpmn/x.bpmn": HEAD + body + TAIL})]


def test_every_construct_fixture_validates():
    assert [str(p) for p in validate(sorted((CONSTRUCTS / "bpmn").glob("*.bpmn")))] == []


def test_compensation_is_refused_once_per_element():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="book"/>
    <bpmn:scriptTask id="book"><bpmn:script>booked = True</bpmn:script></bpmn:scriptTask>
    <bpmn:boundaryEvent id="undo_booking" attachedToRef="book"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
    <bpmn:scriptTask id="cancel_booking" isForCompensation="true"><bpmn:script>x = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="book" targetRef="compensate"/>
    <bpmn:intermediateThrowEvent id="compensate"><bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="compensate" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:association id="a1" associationDirection="One" sourceRef="undo_booking" targetRef="cancel_booking"/>
""") == [f"bpmn/x.bpmn:9: undo_booking: {COMPENSATION}", f"bpmn/x.bpmn:10: cancel_booking: {COMPENSATION}",
         f"bpmn/x.bpmn:12: compensate: {COMPENSATION}"]


def test_link_events_are_refused():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="jump"/>
    <bpmn:intermediateThrowEvent id="jump"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="land"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="land" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == [
        "bpmn/x.bpmn:8: jump: link events are not run by Handoff (the path would end at the throw); "
        "draw the sequence flow instead",
        "bpmn/x.bpmn:9: land: link events are not run by Handoff (the path would end at the throw); "
        "draw the sequence flow instead"]


def test_conditional_events_are_refused():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="until_paid"/>
    <bpmn:intermediateCatchEvent id="until_paid">
      <bpmn:conditionalEventDefinition><bpmn:condition>paid</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="until_paid" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ["bpmn/x.bpmn:9: until_paid: conditional events are not re-evaluated while an instance waits; "
         "use an exclusive gateway after the step that sets the data"]


def test_ad_hoc_sub_processes_are_refused():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="as_needed"/>
    <bpmn:adHocSubProcess id="as_needed"><bpmn:task id="one"/><bpmn:task id="two"/></bpmn:adHocSubProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="as_needed" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ["bpmn/x.bpmn:8: as_needed: ad-hoc sub-processes are not run by Handoff; use a sub-process with a "
         "parallel or inclusive gateway in front of its tasks"]


def test_complex_gateway_says_what_to_use_instead():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="mix"/>
    <bpmn:complexGateway id="mix"/>
    <bpmn:sequenceFlow id="f2" sourceRef="mix" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ["bpmn/x.bpmn:8: mix: unsupported element type bpmn:complexGateway; use an inclusive gateway "
         "(conditions on its outgoing flows) or an exclusive gateway"]


CALLED = """  </bpmn:process>
  <bpmn:process id="child" isExecutable="true">
    <bpmn:startEvent id="child_start"/>
    <bpmn:sequenceFlow id="c1" sourceRef="child_start" targetRef="child_end"/>
    <bpmn:endEvent id="child_end"/>
"""


def test_call_activity_bindings_and_mappings_handoff_cannot_honour():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call" calledElement="child" camunda:calledElementBinding="version"
                       camunda:variableMappingClass="org.example.Mapper">
      <bpmn:extensionElements>
        <camunda:in target="amount"/>
        <camunda:in businessKey="#{execution.processBusinessKey}"/>
        <camunda:out sourceExpression="${total * 2}"/>
        <camunda:out source="total" target="not a name"/>
      </bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""" + CALLED) == [
        'bpmn/x.bpmn:9: call: camunda:calledElementBinding="version" is not supported: Handoff calls the version '
        "deployed with (or before) the caller; remove the attribute",
        "bpmn/x.bpmn:9: call: camunda:variableMappingClass is not run by Handoff; pass data with camunda:in and "
        'camunda:out (variables="all", or source and target)',
        'bpmn/x.bpmn:11: call: camunda:in names nothing to pass; give source and target, sourceExpression and '
        'target, or variables="all"',
        "bpmn/x.bpmn:13: call: camunda:out with a sourceExpression needs a target",
        "bpmn/x.bpmn:14: call: camunda:out target 'not a name' is not a variable name",
    ]


def test_a_call_activity_of_a_process_nobody_has_is_reported_at_the_call_activity():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call" calledElement="nowhere"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ["bpmn/x.bpmn:8: call: calledElement 'nowhere' names no process of this deployment or deployed before "
         "(processes: p)"]


def test_multi_instance_must_say_what_to_loop_over_once():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="both"/>
    <bpmn:task id="both">
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="items">
        <bpmn:loopCardinality>3</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:task>
    <bpmn:sequenceFlow id="f2" sourceRef="both" targetRef="neither"/>
    <bpmn:task id="neither"><bpmn:multiInstanceLoopCharacteristics camunda:elementVariable="x"/></bpmn:task>
    <bpmn:sequenceFlow id="f3" sourceRef="neither" targetRef="broken"/>
    <bpmn:task id="broken">
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="items" camunda:elementVariable="item">
        <bpmn:completionCondition>${nrOfCompletedInstances &gt;=}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:task>
    <bpmn:sequenceFlow id="f4" sourceRef="broken" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == [
        "bpmn/x.bpmn:9: both: multi-instance gives both loopCardinality and camunda:collection; keep one",
        "bpmn/x.bpmn:14: neither: multi-instance needs loopCardinality, camunda:collection or loopDataInputRef",
        "bpmn/x.bpmn:14: neither: camunda:elementVariable needs camunda:collection (with loopDataInputRef, use "
        "inputDataItem)",
        "bpmn/x.bpmn:18: broken: multi-instance completionCondition is not valid Python: invalid syntax",
    ]


def test_error_code_variables_are_refused():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:subProcess id="work">
      <bpmn:startEvent id="work_start"/>
      <bpmn:sequenceFlow id="w1" sourceRef="work_start" targetRef="work_end"/>
      <bpmn:endEvent id="work_end"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="failed" attachedToRef="work">
      <bpmn:errorEventDefinition camunda:errorCodeVariable="code"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="failed" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ["bpmn/x.bpmn:14: failed: camunda:errorCodeVariable is not set by Handoff; pass what the handler needs in "
         "the process data before the error or escalation is thrown"]


def test_an_error_boundary_event_cannot_be_non_interrupting():
    assert problems("""    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:subProcess id="work">
      <bpmn:startEvent id="work_start"/>
      <bpmn:sequenceFlow id="w1" sourceRef="work_start" targetRef="work_end"/>
      <bpmn:endEvent id="work_end"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="failed" attachedToRef="work" cancelActivity="false">
      <bpmn:errorEventDefinition/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="failed" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""") == ['bpmn/x.bpmn:13: failed: an error event always interrupts (BPMN); remove cancelActivity/isInterrupting '
         '"false", or throw an escalation to go on beside the work']


@pytest.mark.parametrize("body", [
    # standard loop, terminate end, transaction with a cancel boundary, none intermediate throw: SpiffWorkflow runs them
    """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again"/>
    <bpmn:task id="again"><bpmn:standardLoopCharacteristics loopMaximum="2"/></bpmn:task>
    <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:terminateEventDefinition/></bpmn:endEvent>
""",
    """    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tx"/>
    <bpmn:transaction id="tx">
      <bpmn:startEvent id="tx_start"/>
      <bpmn:sequenceFlow id="t1" sourceRef="tx_start" targetRef="tx_cancel"/>
      <bpmn:endEvent id="tx_cancel"><bpmn:cancelEventDefinition/></bpmn:endEvent>
    </bpmn:transaction>
    <bpmn:boundaryEvent id="cancelled" attachedToRef="tx"><bpmn:cancelEventDefinition/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="tx" targetRef="milestone"/>
    <bpmn:intermediateThrowEvent id="milestone"/>
    <bpmn:sequenceFlow id="f3" sourceRef="milestone" targetRef="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="cancelled" targetRef="end"/>
    <bpmn:endEvent id="end"/>
""",
])
def test_what_spiffworkflow_runs_validates(body):
    assert problems(body) == []
