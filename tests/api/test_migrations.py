"""The migration routes: dry run, migrate, batch; 403 / 404 / 409 / 422 (diagrams in tests/fixtures/migration)."""

from __future__ import annotations

import pytest

from service.flows import instances
from tests.flows.test_migration import PID, deploy_version
from tests.support import do_task, instance


@pytest.fixture
def demo(api, services):
    deploy_version(services, "v1")
    started = instances.start_process(services, PID, {"customer": "ACME"}, actor_id=api.people["rep"])
    return started.instance_id


def post(api, who: str, url: str, body: dict):
    return api.client.post(url, headers=api.login(who), json=body)


def test_a_dry_run_says_element_by_element_and_changes_nothing(api, services, demo):
    v2 = deploy_version(services, "v2_removed")
    answer = post(api, "admin", f"/api/v1/instances/{demo}/migrate", {"to_version": v2, "dry_run": True})
    assert answer.status_code == 200, answer.json
    assert answer.json["migrated"] is False and answer.json["process_version"] == 1
    review = next(step for step in answer.json["plan"] if step["element_id"] == "Activity_0review")
    assert review["ok"] is False and review["kind"] == "UserTask" and review["element_name"] == "Review the offer"
    assert "no element Activity_0review" in review["problem"]


def test_a_refused_migration_is_422_naming_the_elements_and_a_mapped_one_goes_through(api, services, demo):
    v2 = deploy_version(services, "v2_removed")
    url = f"/api/v1/instances/{demo}/migrate"
    refused = post(api, "admin", url, {"to_version": v2, "reason": "the review is gone"})
    assert refused.status_code == 422
    assert "Activity_0review" in refused.json["errors"]
    assert post(api, "admin", url, {"to_version": v2}).status_code == 422  # no reason, no migration

    version = instance(services, demo).row_version
    done = post(api, "admin", url, {"to_version": v2, "reason": "check replaces review", "version": version,
                                    "mapping": {"Activity_0review": "Activity_0check01"}})
    assert done.status_code == 200, done.json
    assert (done.json["migrated"], done.json["process_version"]) == (True, v2)
    do_task(services, api.people, demo, "Activity_0check01", "rep", {})
    assert instance(services, demo).status == "completed"
    again = post(api, "admin", url, {"to_version": 1, "reason": "back"})
    assert again.status_code == 409


def test_who_may_migrate(api, services, demo):
    v2 = deploy_version(services, "v2_fixed")
    url = f"/api/v1/instances/{demo}/migrate"
    assert post(api, "rep", url, {"to_version": v2, "reason": "mine"}).status_code == 403
    assert post(api, "rep", url, {}).status_code == 403  # refused before the body is read
    assert post(api, "legal", url, {"to_version": v2, "reason": "x"}).status_code == 404
    assert post(api, "admin", "/api/v1/instances/999999/migrate", {"to_version": v2, "reason": "x"}).status_code == 404
    stale = post(api, "admin", url, {"to_version": v2, "reason": "x", "version": 999})
    assert stale.status_code == 409
    batch = f"/api/v1/processes/{PID}/versions/1/migrate"
    assert post(api, "rep", batch, {"to_version": v2, "reason": "all"}).status_code == 403
    assert post(api, "admin", f"/api/v1/processes/{PID}/versions/77/migrate",
                {"to_version": v2, "reason": "all"}).status_code == 404


def test_the_batch_reports_each_instance(api, services, demo):
    v2 = deploy_version(services, "v2_added")
    batch = f"/api/v1/processes/{PID}/versions/1/migrate"
    dry = post(api, "admin", batch, {"to_version": v2, "dry_run": True})
    assert dry.status_code == 200, dry.json
    assert dry.json["instances"] == [{"instance_id": demo, "outcome": "would migrate", "problems": []}]
    done = post(api, "admin", batch, {"to_version": v2, "reason": "adds the confirmation"})
    assert done.json["instances"] == [{"instance_id": demo, "outcome": "migrated", "problems": []}]
    assert instance(services, demo).process_version.version == v2
