"""Issue 10.1 over HTTP: a step that fails by the process's fault is an incident the owners hear of and repair.

A timer's job runs in a real RQ worker (freezegun's clock); the incident is listed, retried after
the data is corrected, skipped with the operator's data; a person's completion whose next step
fails keeps their answers; who may do what is checked (403, 404, 409, 422).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from service.store.models import Incident, Outbox
from tests.modeler import chain, upload
from tests.support import count, events, inbox, instance, open_elements, run_jobs

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
HOUR = ('<bpmn:intermediateCatchEvent id="Event_0hour001" name="An hour later"><bpmn:timerEventDefinition '
        'id="TimerEventDefinition_0h"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:intermediateCatchEvent>")
PRICE = ('<bpmn:scriptTask id="Activity_0price1" name="Price it" scriptFormat="python">'
         "<bpmn:script>total = int(note) * rate</bpmn:script></bpmn:scriptTask>")
CHECK = '<bpmn:userTask id="Activity_0check1" name="Check the price" camunda:formKey="h3/note.json"/>'
ENTER = '<bpmn:userTask id="Activity_0enter1" name="Enter the note" camunda:formKey="h3/note.json"/>'
END = '<bpmn:endEvent id="Event_0end001"/>'


def owned_by(group: str) -> str:
    return ('\n    <bpmn:extensionElements><camunda:properties>'
            f'<camunda:property name="owners" value="{group}"/></camunda:properties></bpmn:extensionElements>')


def deploy(api, pid: str, nodes: list[str], owners: str | None = None) -> None:
    text = chain(pid, ['<bpmn:startEvent id="StartEvent_1"/>', *nodes, END], lane="sales")
    if owners:  # the process element's properties come first in it
        head = f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">'
        text = text.replace(head, head + owned_by(owners))
    answer = api.client.post("/api/v1/processes/deploy", headers=api.login("designer"),
                             content_type="multipart/form-data", data=upload({f"bpmn/{pid}.bpmn": text}))
    assert answer.status_code == 201, answer.json


def start(api, pid: str, data: dict) -> int:
    answer = api.client.post(f"/api/v1/processes/{pid}/instances", headers=api.login("rep"), json={"data": data})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def incident_after_an_hour(api, services, clock, owners: str | None = None) -> dict:
    deploy(api, "priced", [HOUR, PRICE, CHECK], owners)
    instance_id = start(api, "priced", {"note": "10"})  # no rate: the script fails when the timer fires
    clock.move_to(T0 + timedelta(hours=1, seconds=1))
    run_jobs(services)
    run_jobs(services)  # the in-app deliveries
    answer = api.client.get(f"/api/v1/incidents?instance_id={instance_id}", headers=api.login("admin"))
    assert answer.status_code == 200, answer.json
    [incident] = answer.json
    return incident


def post(api, who: str, path: str, body: dict):
    return api.client.post(f"/api/v1/incidents{path}", headers=api.login(who), json=body)


def test_a_failing_timer_step_opens_an_incident_the_admins_hear_of_and_a_retry_runs_on(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock)
        assert (incident["element_id"], incident["element_name"], incident["kind"]) == \
            ("Activity_0price1", "Price it", "script")
        assert "name 'rate' is not defined" in incident["message"]
        assert (incident["status"], incident["attempts"], incident["trigger"]) == ("open", 1, "timer")
        stopped = instance(services, incident["instance_id"])
        assert stopped.status == "error" and stopped.next_wakeup_at is None
        [message] = [m for m in inbox(services, api.people["admin"]) if m.body.get("kind") == "incident"]
        assert "stopped at Price it" in message.subject
        assert message.body["link"] == f"/operations?incident={incident['id']}"
        assert not [m for m in inbox(services, api.people["rep"]) if m.body.get("kind") == "incident"]

        answer = post(api, "admin", f"/{incident['id']}/retry",
                      {"version": incident["instance_version"], "reason": "rate set", "data": {"rate": 3}})
        assert answer.status_code == 200, answer.json
        assert (answer.json["status"], answer.json["resolution"], answer.json["reason"]) == \
            ("resolved", "retried", "rate set")
        listed = api.client.get("/api/v1/incidents", headers=api.login("admin")).json
        assert listed == []  # open ones by default
        assert [i["id"] for i in api.client.get("/api/v1/incidents?status=resolved",
                                                 headers=api.login("admin")).json] == [incident["id"]]
    running = instance(services, incident["instance_id"])
    assert running.status == "running" and running.error is None and running.data["total"] == 30
    assert open_elements(services, running.id) == ["Activity_0check1"]
    [retried] = events(services, "incident_retried", running.id)
    assert retried.actor_id == api.people["admin"] and retried.data["reason"] == "rate set"


def test_a_retry_that_fails_again_is_a_422_keeps_it_open_and_tells_nobody_again(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock)
        notified = count(services, Outbox, Outbox.topic == "incident")
        answer = post(api, "admin", f"/{incident['id']}/retry",
                      {"version": incident["instance_version"], "reason": "try again"})
        assert answer.status_code == 422, answer.json
        assert "name 'rate' is not defined" in answer.json["message"]
        again = api.client.get(f"/api/v1/incidents/{incident['id']}", headers=api.login("admin")).json
        assert (again["status"], again["attempts"]) == ("open", 2)
        assert count(services, Outbox, Outbox.topic == "incident") == notified
        assert instance(services, incident["instance_id"]).status == "error"


def test_a_skip_completes_the_step_with_the_operators_data(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock)
        answer = post(api, "admin", f"/{incident['id']}/skip",
                      {"version": incident["instance_version"], "reason": "priced by hand", "data": {"total": 99}})
        assert answer.status_code == 200, answer.json
        assert answer.json["resolution"] == "skipped"
    running = instance(services, incident["instance_id"])
    assert running.status == "running" and running.data["total"] == 99
    assert open_elements(services, running.id) == ["Activity_0check1"]
    [skipped] = events(services, "incident_skipped", running.id)
    assert skipped.data["given"] == {"total": 99} and skipped.data["reason"] == "priced by hand"


def test_the_owners_named_in_the_diagram_hear_of_it_and_may_repair_it(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock, owners="product")
        assert [m for m in inbox(services, api.people["product"]) if m.body.get("kind") == "incident"]
        assert not [m for m in inbox(services, api.people["admin"]) if m.body.get("kind") == "incident"]
        mine = api.client.get("/api/v1/incidents", headers=api.login("product"))
        assert [i["id"] for i in mine.json] == [incident["id"]]
        answer = post(api, "product", f"/{incident['id']}/retry",
                      {"version": incident["instance_version"], "reason": "fixed", "data": {"rate": 1}})
        assert answer.status_code == 200, answer.json


def test_who_may_not_repair_hears_403_404_409_422(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock)
        version, path = incident["instance_version"], f"/{incident['id']}"
        assert api.client.get("/api/v1/incidents", headers=api.login("rep")).status_code == 403
        assert api.client.get(f"/api/v1/incidents{path}", headers=api.login("rep")).status_code == 404
        assert post(api, "rep", f"{path}/retry", {}).status_code == 403  # the starter sees it, may not repair
        assert post(api, "legal", f"{path}/skip", {}).status_code == 404  # legal cannot even see it
        assert post(api, "admin", "/999999/retry", {"reason": "x"}).status_code == 404
        assert post(api, "admin", f"{path}/retry", {"version": version}).status_code == 422  # no reason
        assert post(api, "admin", f"{path}/retry", {"version": version + 1, "reason": "x"}).status_code == 409
        assert post(api, "admin", f"{path}/retry", {"version": version, "reason": "x", "data": {"rate": 2}}
                    ).status_code == 200
        assert post(api, "admin", f"{path}/retry", {"reason": "x"}).status_code == 409  # resolved already


def test_a_completion_whose_next_step_fails_keeps_the_persons_answers(api, services):
    deploy(api, "entered", [ENTER, PRICE, CHECK])
    instance_id = start(api, "entered", {})
    [task] = api.client.get("/api/v1/tasks?scope=groups", headers=api.login("rep")).json
    api.client.post(f"/api/v1/tasks/{task['id']}/claim", headers=api.login("rep"), json={})
    answer = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"),
                             json={"data": {"note": "7"}})
    assert answer.status_code == 202, answer.json
    assert answer.json["code"] == "process_stopped" and "stopped at Price it" in answer.json["message"]
    assert "owners were told" in answer.json["message"]
    assert instance(services, instance_id).status == "error"
    assert open_elements(services, instance_id) == ["Activity_0enter1"]  # nothing half-written
    again = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"),
                            json={"data": {"note": "7"}})
    assert again.status_code == 409 and again.json["code"] == "incident_open"
    with services.sessions() as session:
        kept = session.get(Incident, answer.json["incident_id"])
        assert kept.trigger == {"kind": "complete_task", "task_id": task["id"], "actor_id": api.people["rep"],
                                "data": {"note": "7"}}
    version = instance(services, instance_id).row_version
    fixed = post(api, "admin", f"/{answer.json['incident_id']}/retry",
                 {"version": version, "reason": "rate added", "data": {"rate": 2}})
    assert fixed.status_code == 200, fixed.json
    assert instance(services, instance_id).data["total"] == 14
    assert open_elements(services, instance_id) == ["Activity_0check1"]
    [completed] = events(services, "task_completed", instance_id)
    assert completed.actor_id == api.people["rep"]  # completed as the person who sent it
