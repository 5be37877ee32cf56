"""Who sees a task, and what they hear when it is not theirs (issue 11): 403 with the reason for whoever sees
it, 404 for whoever does not; the tasks I completed, newest first; a completed task's answers for those who
took part; the inbox unread first, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.clock import utcnow
from service.store.models import Message
from tests.library import Library
from tests.support import task_by_element

OPPORTUNITY = {"customer": "ACME Education", "contract_value": 1, "product": "Enterprise", "kb_version": "V3.2",
               "decision_makers": [{"name": "Li", "role": "principal"}]}
CONTRACT = {"contract_number": "C-1", "contract_amount": 1, "terms": "all on acceptance", "invoice_type": "receipt"}


def _act(api, action: str, username: str, task_id: int):
    headers, url = api.login(username), f"/api/v1/tasks/{task_id}/{action}"
    bodies = {"complete": {"data": {"delivery_approved": True}}, "reassign": {"assignee": "rep2"}}
    return api.client.post(url, headers=headers, json=bodies.get(action, {}))


def _opportunity(api) -> int:
    """The rep's own first task (the diagram gives it to whoever started the project, in the Sales lane)."""
    project = api.start_project("rep")
    return next(t["id"] for t in api.client.get("/api/v1/tasks", headers=api.login("rep")).json
                if t["instance_id"] == project["id"])


def _delivery_review(api, services, claimed_by: str = "delivery") -> tuple[int, int]:
    project = api.start_project("rep")
    library = Library(services, api.people, api.customer_id)
    library.describe_opportunity(project["id"])
    library.task(project["id"], "submit_contract", "rep", CONTRACT)
    task = task_by_element(services, project["id"], "delivery_review")
    claimed = api.client.post(f"/api/v1/tasks/{task.id}/claim", headers=api.login(claimed_by), json={})
    assert claimed.status_code == 200, claimed.json
    return project["id"], task.id


def _passed_on(api, services) -> int:
    """Delivery's review given to the tech lead (who reports to the head of delivery), then taken back by the head:
    the tech lead held it once and is in no group of it."""
    _project, task_id = _delivery_review(api, services)
    head = api.login("delivery_head")
    for assignee in ("tech", "delivery_head"):
        moved = api.client.post(f"/api/v1/tasks/{task_id}/reassign", headers=head, json={"assignee": assignee})
        assert moved.status_code == 200, moved.json
    return task_id


# (who, how they relate to the task, action) -> status, and the words the 403 says
CASES = [
    # a colleague of the same group, on a task another holds
    ("rep's task", "rep2", "complete", 403, "Rita Patel (Sales rep) holds this task"),
    ("rep's task", "rep2", "claim", 403, "Rita Patel (Sales rep) holds this task already"),
    ("rep's task", "rep2", "unclaim", 403, "Rita Patel (Sales rep) holds this task"),
    ("rep's task", "rep2", "reassign", 403, "only a manager of the person holding the task"),  # a peer
    ("claimed review", "delivery_head", "complete", 403, "Dana Kim (Delivery manager) holds this task"),
    ("claimed review", "delivery_head", "claim", 403, "Dana Kim (Delivery manager) holds this task already"),
    ("claimed review", "delivery_head", "unclaim", 403, "only they can hand it back"),
    # the co-reviewer sees the project, not this group's work to do
    ("claimed review", "legal", "complete", 403, "Dana Kim (Delivery manager) holds this task"),
    ("claimed review", "legal", "claim", 403, "only members of 'delivery' can claim this task"),
    ("claimed review", "legal", "unclaim", 403, "only they can hand it back"),
    ("claimed review", "legal", "reassign", 403, "only a manager of the person holding the task"),
    # the former holder after a reassign
    ("passed on", "tech", "complete", 403, "Diego Alvarez (Head of delivery) holds this task"),
    ("passed on", "tech", "claim", 403, "only members of 'delivery' can claim this task"),
    ("passed on", "tech", "unclaim", 403, "only they can hand it back"),
    ("passed on", "tech", "reassign", 403, "only a manager of the person holding the task"),
    # those who cannot see it at all
    *[(scene, "finance", action, 404, "that you can see") for scene in ("rep's task", "claimed review", "passed on")
      for action in ("complete", "claim", "unclaim", "reassign")],
    ("passed on", "product", "complete", 404, "that you can see"),
]
SCENES = {"rep's task": lambda api, services: _opportunity(api),
          "claimed review": lambda api, services: _delivery_review(api, services)[1],
          "passed on": _passed_on}


@pytest.mark.parametrize("scene", list(SCENES))
def test_someone_who_sees_the_task_hears_why_not_and_someone_who_does_not_hears_404(api, services, scene):
    task_id = SCENES[scene](api, services)
    got, expected = [], []
    for case_scene, who, action, status, words in CASES:
        if case_scene != scene:
            continue
        response = _act(api, action, who, task_id)
        got.append((who, action, response.status_code, words in (response.json or {}).get("message", "")))
        expected.append((who, action, status, True))
        seen = api.client.get(f"/api/v1/tasks/{task_id}", headers=api.login(who)).status_code
        assert seen == (200 if status == 403 else 404), (who, "GET", seen)
    assert got == expected


def test_knowing_of_a_task_is_not_reading_the_project_it_holds(api, services):
    """A colleague of the rep's group, or a former holder, sees the task's name and holder (to hear why not),
    never its data: that is the project's, and R6 gives it to those who take part."""
    rep_task = _opportunity(api)
    mine = api.client.get(f"/api/v1/tasks/{rep_task}", headers=api.login("rep")).json
    assert mine["data"]["customer"] == "ACME Education"
    peer = api.client.get(f"/api/v1/tasks/{rep_task}", headers=api.login("rep2"))
    assert peer.status_code == 200 and peer.json["data"] == {} and peer.json["name"] == mine["name"]

    former = _passed_on(api, services)
    holder = api.client.get(f"/api/v1/tasks/{former}", headers=api.login("delivery_head")).json
    assert holder["data"]["contract_number"] == "C-1"
    assert api.client.get(f"/api/v1/tasks/{former}", headers=api.login("tech")).json["data"] == {}


def test_tasks_i_completed_newest_first_a_page_at_a_time(api, services):
    project = api.start_project("rep")
    rep = api.login("rep")
    [first] = api.client.get("/api/v1/tasks", headers=rep).json
    api.client.post(f"/api/v1/tasks/{first['id']}/complete", headers=rep,
                    json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}})
    [second] = api.client.get("/api/v1/tasks", headers=rep).json
    api.client.post(f"/api/v1/tasks/{second['id']}/complete", headers=rep, json={"data": CONTRACT})

    done = api.client.get("/api/v1/tasks?scope=done", headers=rep).json
    assert [(t["element_id"], t["status"], t["instance_id"]) for t in done] == [
        ("submit_contract", "completed", project["id"]), ("opportunity", "completed", project["id"])]
    assert api.client.get("/api/v1/tasks?scope=done&page=2", headers=rep).json == []
    assert api.client.get("/api/v1/tasks?scope=done", headers=api.login("rep2")).json == []
    assert api.client.get("/api/v1/tasks?scope=done&page=0", headers=rep).status_code == 422


def test_a_completed_task_shows_its_answers_to_those_who_took_part_and_is_404_to_others(api, services):
    project = api.start_project("rep")
    rep = api.login("rep")
    [task] = api.client.get("/api/v1/tasks", headers=rep).json
    api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                    json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}})
    api.client.post(f"/api/v1/tasks/{api.client.get('/api/v1/tasks', headers=rep).json[0]['id']}/complete",
                    headers=rep, json={"data": CONTRACT})  # the project moves on: its data grows

    mine = api.client.get(f"/api/v1/tasks/{task['id']}", headers=rep).json
    assert mine["status"] == "completed" and mine["data"]["contract_value"] == 1
    assert set(mine["data"]) <= set(mine["form"]["properties"])  # the answers of this task, not the project's
    assert "contract_number" not in mine["data"]

    colleague = api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.login("rep2"))  # the Sales lane's work
    assert colleague.status_code == 200 and colleague.json["data"] == {}  # knows of it; the project is not theirs
    assert api.client.get(f"/api/v1/instances/{project['id']}", headers=api.login("rep2")).status_code == 404
    manager = api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.login("sales_mgr"))  # R9: the rep's manager
    assert manager.status_code == 200
    for outsider in ("finance", "product", "tech"):  # (legal and delivery see the project: their reviews wait)
        assert api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.login(outsider)).status_code == 404


def test_the_inbox_lists_unread_first_then_the_rest_each_newest_first(api, services):
    now = utcnow()
    me = api.people["legal"]
    with services.sessions() as session:
        for subject, age_h, read in (("old unread", 50, False), ("new read", 1, True), ("newest unread", 2, False),
                                     ("old read", 60, True), ("middle unread", 10, False)):
            at = now - timedelta(hours=age_h)
            session.add(Message(recipient_id=me, subject=subject, body={}, created_at=at,
                                read_at=at + timedelta(minutes=5) if read else None))
        session.add(Message(recipient_id=api.people["rep"], subject="not mine", body={}, created_at=now))
        session.commit()
    inbox = api.client.get("/api/v1/messages", headers=api.login("legal")).json
    assert inbox["unread"] == 3
    assert [m["subject"] for m in inbox["messages"]] == [
        "newest unread", "middle unread", "old unread", "new read", "old read"]
