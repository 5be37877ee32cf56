"""A correlation property's retrieval expression is Python the engine runs on each message carrying it:
one that is not Python, or that the sandbox refuses, is refused at validate time with its line."""

from __future__ import annotations

from service.engine.validate import validate_files

DEFINITIONS = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
               'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
               'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
               'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
               'id="Definitions_1x2y3z4" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
               'exporterVersion="5.17.0">')
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
DEFINITIONS
  <bpmn:message id="Message_0paid01" name="order_paid" />
  <bpmn:correlationProperty id="CorrelationProperty_0order1" name="order">
    <bpmn:correlationPropertyRetrievalExpression messageRef="Message_0paid01">
      <bpmn:formalExpression>EXPRESSION</bpmn:formalExpression>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
  <bpmn:process id="Process_0pay1st" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:outgoing>Flow_0a1b2c3</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:receiveTask id="Activity_0wait01" name="Wait for payment" messageRef="Message_0paid01">
      <bpmn:incoming>Flow_0a1b2c3</bpmn:incoming>
      <bpmn:outgoing>Flow_1d2e3f4</bpmn:outgoing>
    </bpmn:receiveTask>
    <bpmn:endEvent id="Event_0end001">
      <bpmn:incoming>Flow_1d2e3f4</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_0a1b2c3" sourceRef="StartEvent_1" targetRef="Activity_0wait01" />
    <bpmn:sequenceFlow id="Flow_1d2e3f4" sourceRef="Activity_0wait01" targetRef="Event_0end001" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_0pay1st">
      <bpmndi:BPMNShape id="_BPMNShape_StartEvent_2" bpmnElement="StartEvent_1">
        <dc:Bounds x="179" y="99" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_0wait01_di" bpmnElement="Activity_0wait01">
        <dc:Bounds x="270" y="77" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_0end001_di" bpmnElement="Event_0end001">
        <dc:Bounds x="432" y="99" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_0a1b2c3_di" bpmnElement="Flow_0a1b2c3">
        <di:waypoint x="215" y="117" />
        <di:waypoint x="270" y="117" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_1d2e3f4_di" bpmnElement="Flow_1d2e3f4">
        <di:waypoint x="370" y="117" />
        <di:waypoint x="432" y="117" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def problems(expression: str) -> list[str]:
    text = DIAGRAM.replace("DEFINITIONS", DEFINITIONS).replace("EXPRESSION", expression)
    return [str(p) for p in validate_files({"bpmn/pay.bpmn": text}, {})]


def test_a_plain_name_is_a_retrieval_expression_that_passes():
    assert problems("order_id") == []


def test_an_expression_that_is_not_python_names_the_property_and_its_line():
    assert problems("from.name") == [
        "bpmn/pay.bpmn:6: CorrelationProperty_0order1: correlation property expression is not valid Python: "
        "invalid syntax"]


def test_an_expression_the_sandbox_refuses_is_refused_before_it_runs():
    found = problems("__import__('os').getcwd()")
    assert len(found) >= 1
    assert all(p.startswith("bpmn/pay.bpmn:6: CorrelationProperty_0order1: correlation property expression: ")
               for p in found), found
