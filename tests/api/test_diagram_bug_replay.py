"""A diagram bug, start to finish (issue 10.6): the incident reaches the admins, a fixed version is deployed,
the instance is migrated onto it, the incident retried, and the project finishes with nothing lost."""

from __future__ import annotations

from tests.api.test_incidents import CHECK, ENTER, PRICE, deploy, post, start
from tests.support import events, inbox, instance, open_elements, run_jobs

FIXED = PRICE.replace("int(note) * rate", "int(note) * 3")


def test_deploy_a_bug_fix_migrate_retry_and_finish(api, services):
    deploy(api, "priced_bug", [ENTER, PRICE, CHECK])  # v1: `rate` is nobody's variable
    instance_id = start(api, "priced_bug", {})
    rep = api.login("rep")
    [task] = api.client.get("/api/v1/tasks?scope=groups", headers=rep).json
    api.client.post(f"/api/v1/tasks/{task['id']}/claim", headers=rep, json={})
    stopped = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep, json={"data": {"note": "7"}})
    assert stopped.status_code == 202, stopped.json
    run_jobs(services)  # the admins' in-app messages
    [told] = [m for m in inbox(services, api.people["admin"]) if m.body.get("kind") == "incident"]
    assert "stopped at Price it" in told.subject

    deploy(api, "priced_bug", [ENTER, FIXED, CHECK])  # v2: the designer's fix
    admin = api.login("admin")
    row = instance(services, instance_id)
    path = f"/api/v1/instances/{instance_id}/migrate"
    plan = api.client.post(path, headers=admin, json={"to_version": 2, "dry_run": True})
    assert plan.status_code == 200, plan.json
    assert [(s["element_id"], s["ok"]) for s in plan.json["plan"]] == [("Activity_0enter1", True)]
    migrated = api.client.post(path, headers=admin, json={"to_version": 2, "version": row.row_version,
                                                          "reason": "v2 fixes the price"})
    assert migrated.status_code == 200, migrated.json
    assert instance(services, instance_id).status == "error"  # still stopped: the incident waits for its retry

    retried = post(api, "admin", f"/{stopped.json['incident_id']}/retry",
                   {"version": migrated.json["version"], "reason": "fixed in v2"})
    assert retried.status_code == 200, retried.json
    running = instance(services, instance_id)
    assert (running.status, running.process_version.version, running.data["total"]) == ("running", 2, 21)
    assert open_elements(services, instance_id) == ["Activity_0check1"]
    [check] = [t for t in api.client.get("/api/v1/tasks?scope=groups", headers=rep).json
               if t["instance_id"] == instance_id]
    api.client.post(f"/api/v1/tasks/{check['id']}/claim", headers=rep, json={})
    done = api.client.post(f"/api/v1/tasks/{check['id']}/complete", headers=rep, json={"data": {"note": "ok"}})
    assert done.status_code == 200, done.json
    assert instance(services, instance_id).status == "completed"
    for kind in ("instance_error", "instance_migrated", "incident_retried", "instance_completed"):
        assert len(events(services, kind, instance_id)) == 1, kind  # each step is in the audit log
    [completed, _] = events(services, "task_completed", instance_id)
    assert completed.actor_id == api.people["rep"]  # the rep's answers, kept in the incident, completed it
