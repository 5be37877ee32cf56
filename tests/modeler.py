"""Small diagrams written the way Camunda Modeler 5 writes them (bpmndi shapes, camunda: attributes).

Each test states only the element it is about; the rest (lane, start, end, shapes) is the
boilerplate a modeler adds around it.
"""

from __future__ import annotations

import io
import itertools
import re
from xml.sax.saxutils import quoteattr

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_1k2j3h4" targetNamespace="http://bpmn.io/schema/bpmn"
                  exporter="Camunda Modeler" exporterVersion="5.17.0">
"""
FORM = '{"type": "object", "properties": {"note": {"type": "string"}}}'
FORM_KEY = "h3/note.json"


def attrs(values: dict[str, str]) -> str:
    return "".join(f" camunda:{name}={quoteattr(value)}" for name, value in values.items())


def user_task_process(pid: str, task: dict[str, str] | None = None, lane: str = "sales") -> str:
    """Start, one user task `Activity_0task01` (with `task` camunda attributes), end; all in `lane`."""
    return HEAD + f"""  <bpmn:collaboration id="Collaboration_0c1d2e3">
    <bpmn:participant id="Participant_0p1q2r3" processRef="{pid}"/>
  </bpmn:collaboration>
  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
    <bpmn:laneSet id="LaneSet_0a1b2c3">
      <bpmn:lane id="Lane_0l1m2n3" name="{lane}">
        <bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Activity_0task01</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Event_0end001</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:outgoing>Flow_0aaa001</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Activity_0task01" name="Do it" camunda:formKey="{FORM_KEY}"{attrs(task or {})}>
      <bpmn:incoming>Flow_0aaa001</bpmn:incoming>
      <bpmn:outgoing>Flow_0aaa002</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="Event_0end001">
      <bpmn:incoming>Flow_0aaa002</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_0aaa001" sourceRef="StartEvent_1" targetRef="Activity_0task01"/>
    <bpmn:sequenceFlow id="Flow_0aaa002" sourceRef="Activity_0task01" targetRef="Event_0end001"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_0c1d2e3">
      <bpmndi:BPMNShape id="Participant_0p1q2r3_di" bpmnElement="Participant_0p1q2r3" isHorizontal="true">
        <dc:Bounds x="120" y="60" width="500" height="200"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_0l1m2n3_di" bpmnElement="Lane_0l1m2n3" isHorizontal="true">
        <dc:Bounds x="150" y="60" width="470" height="200"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="192" y="142" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_0task01_di" bpmnElement="Activity_0task01">
        <dc:Bounds x="290" y="120" width="100" height="80"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_0end001_di" bpmnElement="Event_0end001">
        <dc:Bounds x="462" y="142" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_0aaa001_di" bpmnElement="Flow_0aaa001">
        <di:waypoint x="228" y="160"/>
        <di:waypoint x="290" y="160"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_0aaa002_di" bpmnElement="Flow_0aaa002">
        <di:waypoint x="390" y="160"/>
        <di:waypoint x="462" y="160"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def timer_process(pid: str, kind: str, value: str) -> str:
    """Start, an intermediate timer `Event_0wait001` (`kind`: timeDuration, timeDate or timeCycle), end."""
    return HEAD + f"""  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:outgoing>Flow_0bbb001</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="Event_0wait001" name="Wait">
      <bpmn:incoming>Flow_0bbb001</bpmn:incoming>
      <bpmn:outgoing>Flow_0bbb002</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerEventDefinition_0t1u2v3">
        <bpmn:{kind} xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{value}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="Event_0end001">
      <bpmn:incoming>Flow_0bbb002</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_0bbb001" sourceRef="StartEvent_1" targetRef="Event_0wait001"/>
    <bpmn:sequenceFlow id="Flow_0bbb002" sourceRef="Event_0wait001" targetRef="Event_0end001"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{pid}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="192" y="142" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_0wait001_di" bpmnElement="Event_0wait001">
        <dc:Bounds x="292" y="142" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_0end001_di" bpmnElement="Event_0end001">
        <dc:Bounds x="392" y="142" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_0bbb001_di" bpmnElement="Flow_0bbb001">
        <di:waypoint x="228" y="160"/>
        <di:waypoint x="292" y="160"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_0bbb002_di" bpmnElement="Flow_0bbb002">
        <di:waypoint x="328" y="160"/>
        <di:waypoint x="392" y="160"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def upload(files: dict[str, str]) -> dict:
    """The multipart body of `POST /api/v1/processes/deploy` for these files (the note form added)."""
    files = {f"forms/{FORM_KEY}": FORM, **files}
    return {path: (io.BytesIO(text.encode()), path.rsplit("/", 1)[-1]) for path, text in files.items()}


def chain(pid: str, nodes: list[str], lane: str | None = None, extra: str = "", called: str = "") -> str:
    """A process of `nodes` (XML elements, each with an id) joined in order by flows ``Flow_<n>``, with shapes.

    `extra`: more XML inside the process (e.g. a flow looping back); `lane`: one lane holding every node;
    `called`: more XML after the process (e.g. another process a call activity calls).
    """
    ids = [re.search(r'\bid="([^"]+)"', node).group(1) for node in nodes]
    flows = "".join(f'\n    <bpmn:sequenceFlow id="Flow_{n}" sourceRef="{a}" targetRef="{b}"/>'
                    for n, (a, b) in enumerate(itertools.pairwise(ids), 1))
    lanes = ""
    if lane:
        refs = "".join(f"\n        <bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
        lanes = (f'\n    <bpmn:laneSet id="LaneSet_{pid}">\n      <bpmn:lane id="Lane_{pid}" name="{lane}">{refs}'
                 "\n      </bpmn:lane>\n    </bpmn:laneSet>")
    shapes = "".join(f'\n      <bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}">'
                     f'\n        <dc:Bounds x="{180 + 150 * n}" y="120" width="100" height="80"/>'
                     "\n      </bpmndi:BPMNShape>" for n, i in enumerate(ids))
    body = "\n    ".join(nodes)
    return HEAD + f"""  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">{lanes}
    {body}{flows}{extra}
  </bpmn:process>{called}
  <bpmndi:BPMNDiagram id="BPMNDiagram_{pid}">
    <bpmndi:BPMNPlane id="BPMNPlane_{pid}" bpmnElement="{pid}">{shapes}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
