"""Deploying a new version leaves running instances on the version they started on (R11)."""

from __future__ import annotations

import shutil

import pytest

from service.engine.bundle import read_tree
from service.flows import deploy as deploying
from service.flows import instances
from service.flows.errors import DeployInvalid
from service.store.models import ProcessVersion
from tests.support import FIXTURES, count, deploy_fixtures, instance, seed, task_by_element


def test_a_new_version_does_not_change_running_instances(services, tmp_path):
    deploy_fixtures(services)
    people = seed(services)
    old = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])

    changed = tmp_path / "v2"
    shutil.copytree(FIXTURES, changed)
    bpmn = changed / "bpmn" / "timers.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="Review the package"', 'name="Review the package (v2)"'))
    results = {r.process_id: r for r in deploying.deploy(services, read_tree(changed), "designer")}
    assert (results["timer_demo"].version, results["timer_demo"].created) == (2, True)
    assert (results["wait_then_finish"].version, results["wait_then_finish"].created) == (1, False)

    new = instances.start_process(services, "timer_demo", {"customer": "Globex"}, actor_id=people["rep"])
    assert task_by_element(services, new.instance_id, "review").name == "Review the package (v2)"
    old_review = task_by_element(services, old.instance_id, "review")
    assert old_review.name == "Review the package"
    assert instance(services, old.instance_id).process_version.version == 1

    services.library._parsed.clear()  # a restarted process must find v1 again from the database
    instances.claim_task(services, old_review.id, people["delivery"])
    instances.complete_task(services, old_review.id, people["delivery"], {"approved": True})
    assert task_by_element(services, old.instance_id, "review").status == "completed"


def test_deploying_unchanged_files_creates_no_version(services):
    first = deploy_fixtures(services)
    again = deploy_fixtures(services)
    assert all(r.created for r in first) and not any(r.created for r in again)
    assert count(services, ProcessVersion) == len(first)


def test_an_invalid_file_is_refused_whole_with_its_problems(services, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES, broken)
    bpmn = broken / "bpmn" / "timers.bpmn"
    bpmn.write_text(bpmn.read_text().replace('"PT72H"', "P1000Y"))  # an unquoted ISO value, too long
    with pytest.raises(DeployInvalid) as refused:
        deploying.deploy(services, read_tree(broken), "designer")
    assert any("review_deadline" in str(p) and "longer than 100 years" in str(p) for p in refused.value.problems)
    assert count(services, ProcessVersion) == 0


def test_an_upload_on_top_of_the_deployed_library_versions_only_the_processes_it_touches(services):
    import json

    from service.engine.bundle import read_tree
    from service.flows.deploy import deploy
    from tests.support import REPO, deploy_library

    deploy_library(services)
    form = json.loads(read_tree(REPO)["forms/lead/follow_up.json"])
    form["description"] = "Call the lead back today."
    results = deploy(services, {"forms/lead/follow_up.json": json.dumps(form)}, "designer", on_top_of_deployed=True)
    assert [(r.process_id, r.version, r.created) for r in results] == [("lead_response", 2, True)]
