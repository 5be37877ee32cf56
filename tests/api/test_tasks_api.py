"""The task inbox over HTTP: a rep starts a project and it reaches legal's and delivery's lists."""

from __future__ import annotations

OPPORTUNITY = {"customer_id": None, "customer": "ACME Education", "contract_value": 800000,
               "decision_makers": [{"name": "Li Wei", "role": "principal"}], "product": "Enterprise",
               "kb_version": "V3.2"}


def tasks(api, username, scope="mine"):
    response = api.client.get(f"/api/v1/tasks?scope={scope}", headers=api.login(username))
    assert response.status_code == 200
    return response.json


def test_a_started_project_lands_in_the_reps_list_with_its_form_and_moves_on_when_completed(api):
    project = api.start_project()
    assert (project["stage"], project["status"]) == ("Opportunity", "running")
    [task] = tasks(api, "rep")
    assert (task["element_id"], task["instance_id"], task["overdue"]) == ("opportunity", project["id"], False)

    rep = api.login("rep")
    detail = api.client.get(f"/api/v1/tasks/{task['id']}", headers=rep).json
    assert detail["form"]["title"] == "Describe the won opportunity" and detail["data"]["customer"] == "ACME Education"

    bad = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                          json={"data": {"contract_value": -1}, "version": task["version"]})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_form"
    assert {"contract_value", "customer_id", "product", "kb_version"} <= set(bad.json["errors"])

    good = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                           json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}, "version": task["version"]})
    assert good.status_code == 200 and good.json["status"] == "completed"
    assert [t["element_id"] for t in tasks(api, "rep")] == ["submit_contract"]


def test_a_stale_version_is_409_and_changes_nothing(api):
    api.start_project()
    [task] = tasks(api, "rep")
    rep = api.login("rep")
    stale = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers={**rep, "If-Match": '"99"'},
                            json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}})
    assert stale.status_code == 409 and stale.json["code"] == "conflict"
    assert [t["element_id"] for t in tasks(api, "rep")] == ["opportunity"]


def test_group_work_is_claimed_then_completed_and_others_are_refused(api):
    project = api.start_project()
    [task] = tasks(api, "rep")
    rep = api.login("rep")
    api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                    json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}})
    [submit] = tasks(api, "rep")
    api.client.post(f"/api/v1/tasks/{submit['id']}/complete", headers=rep, json={"data": {
        "contract_number": "C-1", "contract_amount": 800000, "terms": "net 30", "invoice_type": "receipt"}})

    [review] = tasks(api, "legal", "groups")
    assert (review["element_id"], review["assignee_id"]) == ("legal_review", None)
    legal = api.login("legal")
    refused = api.client.post(f"/api/v1/tasks/{review['id']}/complete", headers=legal,
                              json={"data": {"legal_approved": True}})
    assert refused.status_code == 403  # claim first
    not_legal = api.client.post(f"/api/v1/tasks/{review['id']}/claim", headers=api.login("delivery"), json={})
    assert not_legal.status_code == 403 and not_legal.json["code"] == "forbidden"  # a co-reviewer, not legal
    claimed = api.client.post(f"/api/v1/tasks/{review['id']}/claim", headers=legal, json={})
    assert claimed.status_code == 200 and claimed.json["assignee_id"] == api.people["legal"]
    delivery = api.login("delivery")
    assert api.client.post(f"/api/v1/tasks/{review['id']}/claim", headers=delivery, json={}).status_code == 403
    done = api.client.post(f"/api/v1/tasks/{review['id']}/complete", headers=legal,
                           json={"data": {"legal_approved": True}, "version": claimed.json["version"]})
    assert done.status_code == 200

    view = api.client.get(f"/api/v1/instances/{project['id']}", headers=delivery).json
    assert [t["element_id"] for t in view["open_tasks"]] == ["delivery_review"]
    assert api.client.get(f"/api/v1/instances/{project['id']}", headers=api.login("finance")).status_code == 404


def test_a_manager_reassigns_and_a_peer_cannot(api):
    api.start_project()
    [task] = tasks(api, "rep")
    peer = api.client.post(f"/api/v1/tasks/{task['id']}/reassign", headers=api.login("rep2"),
                           json={"assignee": "rep2"})
    assert peer.status_code == 403  # a Sales colleague sees the Sales lane's task: told why not, not "no such task"
    moved = api.client.post(f"/api/v1/tasks/{task['id']}/reassign", headers=api.login("sales_mgr"),
                            json={"assignee": "rep2"})
    assert moved.status_code == 200 and moved.json["assignee_id"] == api.people["rep2"]
    assert [t["element_id"] for t in tasks(api, "rep2")] == ["opportunity"]
    unknown = api.client.post(f"/api/v1/tasks/{task['id']}/reassign", headers=api.login("sales_mgr"),
                              json={"assignee": "ghost"})
    assert unknown.status_code == 422


def test_unknown_resources_are_404_in_json(api):
    rep = api.login("rep")
    for path in ("/api/v1/tasks/999", "/api/v1/instances/999", "/api/v1/nothing"):
        response = api.client.get(path, headers=rep)
        assert response.status_code == 404 and response.json["code"] == "not_found"
    started = api.client.post("/api/v1/processes/no_such_process/instances", headers=rep, json={})
    assert started.status_code == 404


def test_a_retried_start_with_the_same_idempotency_key_starts_one_project(api):
    rep = {**api.login("rep"), "Idempotency-Key": "start-acme-1"}
    body = {"data": {"customer_id": api.customer_id, "customer": "ACME Education"}}
    first = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=rep, json=body)
    again = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=rep, json=body)
    assert (first.status_code, again.status_code) == (201, 201) and first.json["id"] == again.json["id"]
    assert len(tasks(api, "rep")) == 1
    other = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=rep,
                            json={"data": {"customer_id": api.customer_id, "customer": "Other"}})
    assert other.status_code == 422  # the key was used for a different request


def test_a_retried_completion_returns_the_first_answer_instead_of_a_conflict(api):
    api.start_project()
    [task] = tasks(api, "rep")
    rep = {**api.login("rep"), "Idempotency-Key": "complete-1"}
    body = {"data": {**OPPORTUNITY, "customer_id": api.customer_id}}
    first = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep, json=body)
    again = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep, json=body)
    assert first.status_code == again.status_code == 200 and first.json == again.json


def test_the_completion_answer_is_the_task_as_stored(api):
    api.start_project()
    [task] = tasks(api, "rep")
    rep = api.login("rep")
    done = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                           json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}, "version": task["version"]})
    stored = api.client.get(f"/api/v1/tasks/{task['id']}", headers=rep).json
    assert done.status_code == 200 and done.json["version"] == task["version"] + 1
    assert done.json == {key: stored[key] for key in done.json}
