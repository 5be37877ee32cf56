"""A process of 1,000 nodes in a row validates and deploys, one of 400 runs from start to end (issue 9.4).

SpiffWorkflow parsed such a chain recursively (a RecursionError at ~480 nodes), predicted
its tasks recursively (a RecursionError when the instance was created), and its task
iterators stopped at depth 1,000: past it no task was found ready and the instance said
it was complete with work left. See `service.engine.long_chains`. A run is bounded by the
engine clock (`service.engine.steps`, 2 s): SpiffWorkflow looks through the whole task tree
at each step, so 400 nodes take about 0.4 s, 500 (the issue's example) 0.6 s on an idle
machine and up to 1.6 s on a busy one, 1,000 about 5 s. Runs here stay at 400 so as not to be flaky.
"""

from __future__ import annotations

from service.engine.validate import validate_files
from service.flows.deploy import deploy
from service.flows.instances import claim_task, complete_task, start_process
from tests.support import instance, open_tasks, seed

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" \
id="Definitions_0chain1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" \
exporterVersion="5.17.0">
"""
FORM = '{"type": "object", "properties": {"ok": {"type": "boolean"}}}'


def chain(nodes: int, last_user_task: bool) -> str:
    """Start, script tasks counting how many ran, [a user task in lane sales,] end: ``nodes`` in all."""
    ids = ["StartEvent_1"] + [f"Activity_{i:04d}" for i in range(nodes - 2)] + ["Event_0end001"]
    body, shapes = [], []
    if last_user_task:
        body.append('    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_0sales1" name="sales">'
                    f'<bpmn:flowNodeRef>{ids[-2]}</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n')
    body.append(f'    <bpmn:startEvent id="{ids[0]}"><bpmn:outgoing>Flow_0001</bpmn:outgoing></bpmn:startEvent>\n')
    for index, node in enumerate(ids[1:-1], start=1):
        flows = f"<bpmn:incoming>Flow_{index:04d}</bpmn:incoming><bpmn:outgoing>Flow_{index + 1:04d}</bpmn:outgoing>"
        if last_user_task and index == len(ids) - 2:
            body.append(f'    <bpmn:userTask id="{node}" name="Check" camunda:formKey="chain/check.json">'
                        f"{flows}</bpmn:userTask>\n")
        else:
            script = "count = 1" if index == 1 else "count = count + 1"
            body.append(f'    <bpmn:scriptTask id="{node}" name="Step {index}">{flows}'
                        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>\n")
    body.append(f'    <bpmn:endEvent id="{ids[-1]}"><bpmn:incoming>Flow_{len(ids) - 1:04d}</bpmn:incoming>'
                "</bpmn:endEvent>\n")
    for index in range(1, len(ids)):
        body.append(f'    <bpmn:sequenceFlow id="Flow_{index:04d}" sourceRef="{ids[index - 1]}" '
                    f'targetRef="{ids[index]}" />\n')
        shapes.append(f'      <bpmndi:BPMNEdge id="Flow_{index:04d}_di" bpmnElement="Flow_{index:04d}">'
                      f'<di:waypoint x="{index * 150 - 50}" y="117" /><di:waypoint x="{index * 150}" y="117" />'
                      "</bpmndi:BPMNEdge>\n")
    for index, node in enumerate(ids):
        shapes.append(f'      <bpmndi:BPMNShape id="{node}_di" bpmnElement="{node}">'
                      f'<dc:Bounds x="{index * 150}" y="77" width="100" height="80" /></bpmndi:BPMNShape>\n')
    return (HEAD + '  <bpmn:process id="Process_Chain" name="Long chain" isExecutable="true">\n' + "".join(body)
            + '  </bpmn:process>\n  <bpmndi:BPMNDiagram id="BPMNDiagram_1">\n'
            + '    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_Chain">\n' + "".join(shapes)
            + "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")


def test_a_chain_of_1000_script_tasks_validates_and_deploys(services):
    files = {"bpmn/chain.bpmn": chain(1000, last_user_task=False)}
    assert validate_files(files) == []
    [deployed] = deploy(services, files, "designer")
    assert deployed.created


def test_a_chain_of_400_script_tasks_runs_every_task(services):
    files = {"bpmn/chain.bpmn": chain(400, last_user_task=False)}
    assert validate_files(files) == []
    deploy(services, files, "designer")
    started = start_process(services, "Process_Chain", {})
    row = instance(services, started.instance_id)
    assert row.status == "completed"
    assert row.data["count"] == 398  # every script task ran


def test_a_chain_of_400_nodes_waits_at_its_last_task_and_finishes_after_it(services):
    people = seed(services)
    files = {"bpmn/chain.bpmn": chain(400, last_user_task=True), "forms/chain/check.json": FORM}
    assert validate_files(files) == []
    deploy(services, files, "designer")
    started = start_process(services, "Process_Chain", {}, actor_id=people["rep"])
    assert instance(services, started.instance_id).status == "running"
    [task] = open_tasks(services, started.instance_id)  # stored and restored
    assert (task.element_id, task.candidate_group) == ("Activity_0397", "sales")
    version = claim_task(services, task.id, people["rep"])
    complete_task(services, task.id, people["rep"], {"ok": True}, version)
    row = instance(services, started.instance_id)
    assert (row.status, row.data["count"], row.data["ok"]) == ("completed", 397, True)
