"""A fresh install keeps its knowledge-base versions (R4) and lifts a rep's R2.2 block, through the API."""

from __future__ import annotations

from tests.library import KB_VERSION, Library
from tests.process.test_r2_2_collaboration_discipline import submit_package
from tests.support import events, instance

NEW_VERSION = "V3.3-202605 security module"


def test_product_owners_set_the_version_and_a_project_bound_to_the_old_one_freezes(api, services):
    library = Library(services, api.people, api.customer_id)
    listed = api.client.get("/api/v1/knowledge-base", headers=api.login("rep"))
    assert [(p["product"], p["version"]) for p in listed.json] == [("Enterprise", "V3.2")]
    refused = api.client.put("/api/v1/knowledge-base/Enterprise", headers=api.login("rep"), json={"version": "V9"})
    assert refused.status_code == 403 and "product owners" in refused.json["message"]
    blank = api.client.put("/api/v1/knowledge-base/Enterprise", headers=api.login("product"), json={"version": ""})
    assert blank.status_code == 422 and "version" in blank.json["errors"]

    first = api.client.put("/api/v1/knowledge-base/Enterprise", headers=api.login("product"),
                           json={"version": KB_VERSION})
    assert first.status_code == 200 and first.json["version"] == KB_VERSION
    project = library.won_project()
    library.describe_opportunity(project)  # bound to V3.2
    library.cosign(project)
    set_new = api.client.put("/api/v1/knowledge-base/Enterprise", headers=api.login("product"),
                             json={"version": NEW_VERSION})
    assert set_new.status_code == 200 and set_new.json["updated_by"] == "product"
    entries = events(services, "kb_version_set")
    assert [(e.data["previous"], e.data["version"]) for e in entries] == [("V3.2", KB_VERSION),
                                                                          (KB_VERSION, NEW_VERSION)]
    library.hand_over(project)  # delivery starts: the check meets the new version
    row = instance(services, project)
    assert row.frozen and NEW_VERSION in row.frozen_reason and KB_VERSION in row.frozen_reason
    added = api.client.put("/api/v1/knowledge-base/Starter", headers=api.login("admin"), json={"version": "V1.0"})
    assert added.status_code == 200 and added.json["product"] == "Starter"


def test_a_manager_records_the_training_and_the_block_lifts_at_once(api, services):
    library = Library(services, api.people, api.customer_id)
    submit_package(library, [{"risk": "No API access"}])
    submit_package(library, [])  # 1 of 2 incomplete: the rep is held back (R2.2)
    start = {"data": {"customer_id": api.customer_id, "customer": "ACME Education"}}
    blocked = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"), json=start)
    assert blocked.status_code == 403 and "1 of 2 handover packages were incomplete" in blocked.json["message"]

    path = f"/api/v1/people/{api.people['rep']}/collaboration-training"
    body = {"completed_on": "2020-01-02", "note": "collaboration course, spring intake"}
    assert api.client.post(path, headers=api.login("rep2"), json=body).status_code == 403  # not the rep's manager
    assert api.client.post(path, headers=api.login("rep"), json=body).status_code == 403  # nor the rep
    assert api.client.post("/api/v1/people/999999/collaboration-training", headers=api.login("sales_mgr"),
                           json=body).status_code == 404
    future = api.client.post(path, headers=api.login("sales_mgr"), json={"completed_on": "2999-01-01"})
    assert future.status_code == 422 and "completed_on" in future.json["errors"]
    today = api.client.post(path, headers=api.login("sales_mgr"), json={"completed_on": _today(services)})
    assert today.status_code == 201 and today.json["blocked"] is False and today.json["recorded_by"] == "sales_mgr"
    [entry] = events(services, "training_recorded")
    assert entry.actor_id == api.people["sales_mgr"]
    again = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"), json=start)
    assert again.status_code == 201, again.json


def _today(services) -> str:
    return services.clock().date().isoformat()
