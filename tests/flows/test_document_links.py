"""A document a form names becomes its instance's in the completion's own transaction (R6): all or nothing."""

from __future__ import annotations

import json

import pytest

from service.flows import deploy, documents, incidents, instances
from service.store.models import Document
from tests.modeler import FORM_KEY, user_task_process
from tests.support import seed, task_by_element

FORM = {"type": "object", "required": ["scan", "divisor"], "properties": {
    "scan": {"type": "integer", "format": "document", "title": "Scan"},
    "divisor": {"type": "number", "title": "Divisor"}}}


def _diagram() -> str:
    """The modeler's one task, then a script that fails when the person's divisor is 0."""
    text = user_task_process("doc_then_script")
    flow = '<bpmn:sequenceFlow id="Flow_0aaa002" sourceRef="Activity_0task01" targetRef="{}"/>'
    text = text.replace(flow.format("Event_0end001"), flow.format("Activity_0div001") +
                        '\n    <bpmn:scriptTask id="Activity_0div001" name="Divide"><bpmn:script>share = 1 / divisor'
                        '</bpmn:script></bpmn:scriptTask>\n    <bpmn:sequenceFlow id="Flow_0aaa003" '
                        'sourceRef="Activity_0div001" targetRef="Event_0end001"/>')
    return text.replace("<bpmn:flowNodeRef>Event_0end001</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>Activity_0div001</bpmn:flowNodeRef>\n"
                        "        <bpmn:flowNodeRef>Event_0end001</bpmn:flowNodeRef>")


def _linked(services, document_id: int) -> int | None:
    with services.sessions() as session:
        return session.get(Document, document_id).instance_id


def test_a_completion_that_stops_in_an_incident_links_nothing_until_it_is_repaired(services):
    people = seed(services)
    deploy.deploy(services, {"bpmn/doc_then_script.bpmn": _diagram(), f"forms/{FORM_KEY}": json.dumps(FORM)}, "tests")
    started = instances.start_process(services, "doc_then_script", {}, actor_id=people["rep"]).instance_id
    scan = documents.upload(services, b"%PDF-1.4 scan", "scan.pdf", "application/pdf", people["rep"]).id
    task = task_by_element(services, started, "Activity_0task01")
    instances.claim_task(services, task.id, people["rep"])
    with pytest.raises(incidents.IncidentOpened) as stopped:
        instances.complete_task(services, task.id, people["rep"], {"scan": scan, "divisor": 0})
    assert _linked(services, scan) is None  # the completion did not happen: neither did the link
    incidents.skip(services, stopped.value.details["incident_id"], people["admin"], "no share needed", {"share": 1})
    assert _linked(services, scan) == started
