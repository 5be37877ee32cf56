"""Issue 13.2 over HTTP: a dict with the serializer's reserved key is data in every way in.

Form data (a real task completion), release data, a delivered message and a customer
change each carry ``typename`` with every name SpiffWorkflow's registry knows; afterwards
the instance's timers, diagram, next task and view answer 200 and the value reads back
exactly as sent (on SQLite and PostgreSQL, like every API test).
"""

from __future__ import annotations

import json

from service.engine.library import SpecLibrary
from service.engine.serializer import make_serializer
from service.flows import instances as flows_instances
from service.flows.deploy import deploy

TYPENAMES = sorted(make_serializer(SpecLibrary()).registry.convert_from_dict) + ["NoSuchType", "handoff.data"]


def hostile(name: str) -> list[dict]:
    """One entry per registered type name, with the keys their restoring functions read."""
    return [{"name": f"{name} {t}", "role": "cio", "typename": t, "value": "2026-01-01T00:00:00", "days": 1}
            for t in TYPENAMES]


def readable(api, instance_id: int, username: str = "rep") -> dict:
    """Everything a person opens about the instance answers 200; returns the open task's engine data."""
    headers = api.login(username)
    view = api.client.get(f"/api/v1/instances/{instance_id}", headers=headers)
    assert view.status_code == 200, view.json
    for path in ("timers", "diagram", "timeline"):
        answer = api.client.get(f"/api/v1/instances/{instance_id}/{path}", headers=headers)
        assert answer.status_code == 200, (path, answer.json)
    [task] = view.json["open_tasks"]
    detail = api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.login(username))
    assert detail.status_code == 200, detail.json
    return {"view": view.json["data"], "task": detail.json["data"], "task_row": task}


def complete(api, username: str, task: dict, data: dict) -> None:
    headers = api.login(username)
    answer = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, json={"data": data})
    assert answer.status_code == 200, answer.json


def opportunity(api, decision_makers: list[dict]) -> dict:
    return {"customer_id": api.customer_id, "customer": "ACME Education", "contract_value": 800000,
            "decision_makers": decision_makers, "product": "Enterprise", "kb_version": "V3.2"}


def test_form_data_with_reserved_keys_reads_back_exactly(api):
    project = api.start_project()
    sent = hostile("form")
    [task] = project["open_tasks"]
    complete(api, "rep", task, opportunity(api, sent))
    seen = readable(api, project["id"])
    assert seen["view"]["decision_makers"] == sent and seen["task"]["decision_makers"] == sent
    complete(api, "rep", seen["task_row"], {"contract_number": "C-1", "contract_amount": 800000,
                                            "terms": "net 30", "invoice_type": "receipt"})
    view = api.client.get(f"/api/v1/instances/{project['id']}", headers=api.login("rep"))
    assert view.status_code == 200 and view.json["data"]["decision_makers"] == sent


def test_release_data_with_reserved_keys_is_refused_and_the_instance_stays_readable(api, services):
    """A release sets only the texts its freeze offered (sec-api); a dict never reaches the engine from here."""
    project = api.start_project()
    admin = api.login("admin")
    assert api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=admin,
                           json={"reason": "checking"}).status_code == 200
    sent = {"typename": "UUID", "rebound": hostile("release")}
    refused = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=admin,
                              json={"data": {"release_note": sent}})
    assert refused.status_code == 422, refused.json
    released = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=admin, json={})
    assert released.status_code == 200, released.json
    readable(api, project["id"])


def test_release_data_with_reserved_keys_through_the_engine_reads_back_exactly(services, api):
    """Below the API's check, the engine keeps whatever a release hands it as data (the serializer's part)."""
    project = api.start_project()
    sent = {"typename": "UUID", "rebound": hostile("release")}
    with services.sessions() as session:
        from service.store.models import Instance

        row = session.get(Instance, project["id"])
        workflow = services.engine.restore(row.state)
        services.engine.update_data(workflow, {"release_note": sent})
        row.state = services.engine.dump(workflow)
        session.commit()
    seen = readable(api, project["id"])
    assert seen["task"]["release_note"] == sent
    complete(api, "rep", seen["task_row"], opportunity(api, [{"name": "Ann", "role": "cio"}]))
    assert readable(api, project["id"])["task"]["release_note"] == sent


NUDGE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="nudge_defs" targetNamespace="http://handoff.example/t">
  <bpmn:message id="m_nudge" name="nudge"/>
  <bpmn:collaboration id="nudge_collab"><bpmn:participant id="nudge_p" processRef="nudge"/></bpmn:collaboration>
  <bpmn:process id="nudge" name="Wait for a nudge" isExecutable="true">
    <bpmn:laneSet id="nudge_lanes">
      <bpmn:lane id="nudge_sales" name="sales">
        <bpmn:flowNodeRef>nudge_start</bpmn:flowNodeRef><bpmn:flowNodeRef>nudged</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>ack</bpmn:flowNodeRef><bpmn:flowNodeRef>ack_late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>nudge_end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="nudge_start"/>
    <bpmn:sequenceFlow id="n1" sourceRef="nudge_start" targetRef="nudged"/>
    <bpmn:intermediateCatchEvent id="nudged" name="Nudged">
      <bpmn:messageEventDefinition id="nudged_def" messageRef="m_nudge"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="n2" sourceRef="nudged" targetRef="ack"/>
    <bpmn:userTask id="ack" name="Acknowledge" camunda:formKey="nudge/ack.json"/>
    <bpmn:boundaryEvent id="ack_late" attachedToRef="ack" cancelActivity="false">
      <bpmn:timerEventDefinition id="ack_late_def"><bpmn:timeDuration>"P1D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="n3" sourceRef="ack" targetRef="nudge_end"/>
    <bpmn:endEvent id="nudge_end"/>
  </bpmn:process>
</bpmn:definitions>
"""
ACK = json.dumps({"title": "Acknowledge", "type": "object", "properties": {"seen": {"type": "boolean"}}})


def test_a_delivered_message_with_reserved_keys_reads_back_exactly(api, services):
    deploy(services, {"bpmn/nudge.bpmn": NUDGE, "forms/nudge/ack.json": ACK}, "tests", on_top_of_deployed=True)
    started = api.client.post("/api/v1/processes/nudge/instances", headers=api.login("rep"), json={"data": {}})
    assert started.status_code == 201, started.json
    sent = {"typename": "BpmnWorkflow", "changes": hostile("message")}
    flows_instances.deliver_message(services, started.json["id"], "nudge",
                                    json.loads(json.dumps({"nudge_payload": sent})))  # merged into the data
    seen = readable(api, started.json["id"])
    assert seen["view"]["nudge_payload"] == sent and seen["task"]["nudge_payload"] == sent
    timers = api.client.get(f"/api/v1/instances/{started.json['id']}/timers", headers=api.login("rep")).json
    assert [t["element_id"] for t in timers] == ["ack_late"]


def test_a_customer_change_with_reserved_keys_leaves_everything_readable(api, services):
    """The API types decision makers (sec-api: 422 for an unknown key); an integration calling the flow is
    not typed, and what it stores still reads back exactly, in the customer and the in-app message."""
    from service.flows import customers as flows_customers

    project = api.start_project()
    [task] = project["open_tasks"]
    complete(api, "rep", task, opportunity(api, [{"name": "Ann", "role": "cio"}]))
    sent = hostile("customer")
    refused = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=api.login("rep"),
                              json={"changes": {"decision_makers": sent[:3]}})
    assert refused.status_code == 422, refused.json
    flows_customers.change_customer(services, api.customer_id, {"decision_makers": sent}, api.people["rep"])
    customer = api.client.get(f"/api/v1/customers/{api.customer_id}", headers=api.login("rep"))
    assert customer.status_code == 200 and customer.json["decision_makers"] == sent
    assert api.client.get("/api/v1/customers", headers=api.login("rep")).status_code == 200
    readable(api, project["id"])
    inbox = api.client.get("/api/v1/messages", headers=api.login("delivery"))
    assert inbox.status_code == 200
