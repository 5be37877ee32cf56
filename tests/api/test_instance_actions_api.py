"""POST /instances/{id}/cancel|suspend|resume: who may, the version seen, a reason, and the answers."""

from __future__ import annotations


def _post(api, project, action, who, body):
    return api.client.post(f"/api/v1/instances/{project['id']}/{action}", headers=api.login(who), json=body)


def test_cancel_answers_the_instance_and_refuses_in_order(api):
    project = api.start_project("rep")
    assert _post(api, project, "cancel", "rep", {}).status_code == 403  # before the body is read
    assert _post(api, project, "cancel", "legal", {"reason": "x"}).status_code == 404  # not theirs to see
    missing = _post(api, project, "cancel", "sales_mgr", {})
    assert missing.status_code == 422 and "reason" in str(missing.json)
    assert _post(api, project, "cancel", "sales_mgr", {"reason": "x", "version": 999}).status_code == 409
    done = _post(api, project, "cancel", "sales_mgr", {"reason": "lost deal", "version": project["version"]})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "cancelled" and done.json["open_tasks"] == []
    assert _post(api, project, "cancel", "sales_mgr", {"reason": "again"}).status_code == 409
    kinds = [e["kind"] for e in api.client.get(f"/api/v1/instances/{project['id']}/timeline",
                                               headers=api.login("sales_mgr")).json]
    assert "instance_cancelled" in kinds and "task_cancelled" in kinds
    board = api.client.get("/api/v1/dashboards/stage-board", headers=api.login("sales_mgr")).json
    assert all(p["id"] != project["id"] for column in board for p in column["projects"])


def test_suspend_and_resume_over_http(api):
    project = api.start_project("rep")
    suspended = _post(api, project, "suspend", "vp", {"reason": "budget review"})
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    [task] = [t for t in api.client.get("/api/v1/tasks", headers=api.login("rep")).json
              if t["instance_id"] == project["id"]]
    refused = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"), json={"data": {}})
    assert refused.status_code == 409 and "budget review" in refused.json["message"]
    assert _post(api, project, "suspend", "vp", {"reason": "again"}).status_code == 409
    listed = api.client.get("/api/v1/instances?status=suspended", headers=api.login("vp")).json
    assert [i["id"] for i in listed] == [project["id"]]
    resumed = _post(api, project, "resume", "vp", {"reason": "approved", "version": suspended.json["version"]})
    assert resumed.status_code == 200 and resumed.json["status"] == "running"
    assert _post(api, project, "resume", "vp", {"reason": "again"}).status_code == 409


def test_move_over_http_and_its_refusals(api):
    project = api.start_project("rep")
    body = {"reason": "skip it", "from": "opportunity", "to": "contract"}
    assert _post(api, project, "move", "sales_mgr", body).status_code == 403  # managers do not repair diagrams
    unsafe = _post(api, project, "move", "admin", {**body, "to": "commitment_letter"})
    assert unsafe.status_code == 422 and "parallel" in unsafe.json["message"]
    assert _post(api, project, "move", "admin", {**body, "data": [1]}).status_code == 422
    assert _post(api, project, "move", "admin", {**body, "reason": ""}).status_code == 422
    assert _post(api, project, "move", "admin", {**body, "version": 999}).status_code == 409
    moved = _post(api, project, "move", "admin", body)
    assert moved.status_code == 200, moved.json
    assert [t["element_id"] for t in moved.json["open_tasks"]] == ["submit_contract"]
