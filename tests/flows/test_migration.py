"""Migrating running instances to another version (issue 10): diagrams in tests/fixtures/migration.

Timers fire on a real RQ worker against real Redis; freezegun moves the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import deploy, incidents, instances
from service.flows import migrate as migrating
from service.flows.errors import Conflict, Forbidden, FormInvalid, ProcessFailed
from tests.support import FIXTURES, do_task, events, instance, open_elements, run_jobs, seed, task_by_element

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DIR = FIXTURES / "migration"
PID = "migration_demo"
RENAMED = {"Activity_0review": "Activity_0offer01", "Event_0deadline": "Event_0offerdl"}


def deploy_version(services, name: str) -> int:
    files = {"bpmn/migration_demo.bpmn": (DIR / f"{name}.bpmn").read_text(),
             "forms/migration/note.json": (DIR / "forms/migration/note.json").read_text()}
    (result,) = deploy.deploy(services, files, "tests")
    return result.version


@pytest.fixture
def people(services):
    deploy_version(services, "v1")
    return seed(services)


def start(services, people) -> int:
    return instances.start_process(services, PID, {"customer": "ACME"}, actor_id=people["rep"]).instance_id


def test_a_step_the_new_version_adds_after_the_active_task_comes_next(services, people):
    instance_id = start(services, people)
    review = task_by_element(services, instance_id, "Activity_0review")
    instances.claim_task(services, review.id, people["rep"])
    v2 = deploy_version(services, "v2_added")

    steps = migrating.plan(services, instance_id, v2, None, people["admin"])
    assert [(s.element_id, s.maps_to, s.ok) for s in steps] == [("Activity_0review", "Activity_0review", True),
                                                                ("Event_0deadline", "Event_0deadline", True)]
    assert instance(services, instance_id).process_version.version == 1  # a dry run changes nothing

    migrating.migrate(services, instance_id, v2, None, people["admin"], "adds the confirmation")
    assert instance(services, instance_id).process_version.version == v2
    kept = task_by_element(services, instance_id, "Activity_0review")
    assert (kept.id, kept.assignee_id, kept.status) == (review.id, people["rep"], "open")  # row and claim kept
    (logged,) = events(services, "instance_migrated", instance_id)
    assert (logged.actor_id, logged.data["from_version"], logged.data["to_version"], logged.data["reason"]) == (
        people["admin"], 1, v2, "adds the confirmation")

    do_task(services, people, instance_id, "Activity_0review", "rep", {"note": "fine"})
    assert open_elements(services, instance_id) == ["Activity_0confirm"]
    assert instance(services, instance_id).data["score"] == 2
    do_task(services, people, instance_id, "Activity_0confirm", "rep", {})
    assert instance(services, instance_id).status == "completed"


def test_a_removed_active_element_is_refused_by_name_and_fine_with_a_mapping(services, people):
    instance_id = start(services, people)
    v2 = deploy_version(services, "v2_removed")
    steps = migrating.plan(services, instance_id, v2, None, people["admin"])
    refused = [s for s in steps if not s.ok]
    assert [s.element_id for s in refused] == ["Activity_0review"]
    assert "no element Activity_0review" in refused[0].problem
    with pytest.raises(FormInvalid) as error:
        migrating.migrate(services, instance_id, v2, None, people["admin"], "removes the review")
    assert list(error.value.errors) == ["Activity_0review"]
    assert instance(services, instance_id).process_version.version == 1

    mapping = {"Activity_0review": "Activity_0check01"}
    migrating.migrate(services, instance_id, v2, mapping, people["admin"], "the check replaces the review")
    task = task_by_element(services, instance_id, "Activity_0check01")
    assert (task.status, task.name) == ("open", "Check the offer")
    do_task(services, people, instance_id, "Activity_0check01", "rep", {})
    assert instance(services, instance_id).status == "completed"


def test_a_renamed_element_needs_the_mapping(services, people):
    instance_id = start(services, people)
    v2 = deploy_version(services, "v2_renamed")
    refused = {s.element_id for s in migrating.plan(services, instance_id, v2, None, people["admin"]) if not s.ok}
    assert refused == {"Activity_0review", "Event_0deadline"}
    wrong = {"Activity_0review": "Activity_0nothere", "Event_0deadline": "Event_0offerdl"}
    problems = {s.element_id: s.problem for s in migrating.plan(services, instance_id, v2, wrong, people["admin"])}
    assert "Activity_0nothere" in problems["Activity_0review"]
    assert all(s.ok for s in migrating.plan(services, instance_id, v2, RENAMED, people["admin"]))
    migrating.migrate(services, instance_id, v2, RENAMED, people["admin"], "renamed")
    assert open_elements(services, instance_id) == ["Activity_0offer01"]


def test_an_element_of_another_kind_is_refused(services, people):
    instance_id = start(services, people)
    v2 = deploy_version(services, "v2_retyped")
    problems = {s.element_id: s.problem for s in migrating.plan(services, instance_id, v2, None, people["admin"])}
    assert "ManualTask" in problems["Activity_0review"]
    assert "no element Event_0deadline" in problems["Event_0deadline"]


def test_a_boundary_timer_keeps_its_due_time_and_fires_on_the_new_version(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people)
        due = T0 + timedelta(hours=72)
        clock.move_to(T0 + timedelta(hours=10))
        v2 = deploy_version(services, "v2_renamed")
        migrating.migrate(services, instance_id, v2, RENAMED, people["admin"], "renamed")
        assert instance(services, instance_id).next_wakeup_at == due

        clock.move_to(due - timedelta(seconds=1))
        run_jobs(services)
        assert events(services, "timer_fired", instance_id) == []
        clock.move_to(due + timedelta(seconds=1))
        run_jobs(services)
        assert [e.element_id for e in events(services, "timer_fired", instance_id)] == ["Event_0offerdl"]
        assert open_elements(services, instance_id) == ["Activity_0late01"]
        assert task_by_element(services, instance_id, "Activity_0offer01").status == "cancelled"


def test_a_broken_script_after_the_active_task_is_fixed_by_migrating(services, people):
    instance_id = start(services, people)
    with pytest.raises(ProcessFailed) as stopped:  # the rep's answers are kept in an incident
        do_task(services, people, instance_id, "Activity_0review", "rep", {"note": "v1"})
    v2 = deploy_version(services, "v2_fixed")
    migrating.migrate(services, instance_id, v2, None, people["admin"], "script fixed")
    assert instance(services, instance_id).status == "error"  # until the incident is retried on v2
    incidents.retry(services, stopped.value.details["incident_id"], people["admin"], "fixed in v2")
    assert instance(services, instance_id).status == "completed"
    assert instance(services, instance_id).data["note"] == "v1"
    assert instance(services, instance_id).data["score"] == 2


def test_who_may_migrate_and_what_cannot_be(services, people):
    instance_id = start(services, people)
    v2 = deploy_version(services, "v2_fixed")
    with pytest.raises(Forbidden):
        migrating.migrate(services, instance_id, v2, None, people["rep"], "mine")
    with pytest.raises(Conflict):
        migrating.migrate(services, instance_id, v2, None, people["admin"], "stale", expected_version=99)
    with pytest.raises(FormInvalid) as same:
        migrating.migrate(services, instance_id, 1, None, people["admin"], "same")
    assert "already runs on version 1" in same.value.errors["to_version"][0]
    migrating.migrate(services, instance_id, v2, None, people["admin"], "fixed")
    do_task(services, people, instance_id, "Activity_0review", "rep", {})
    with pytest.raises(Conflict):
        migrating.migrate(services, instance_id, 1, None, people["admin"], "back")


def test_batch_migrates_what_maps_and_reports_what_does_not(services, people):
    with freeze_time(T0) as clock:
        late = start(services, people)
        clock.move_to(T0 + timedelta(hours=73))
        run_jobs(services)  # its deadline fired: it waits at the late task, which every version has
        at_review = start(services, people)
        v2 = deploy_version(services, "v2_renamed")
        with pytest.raises(Forbidden):
            migrating.migrate_all(services, PID, 1, v2, None, people["rep"], "renamed")

        dry = migrating.migrate_all(services, PID, 1, v2, None, people["admin"], None, dry_run=True)
        assert [(o.instance_id, o.outcome) for o in dry] == [(late, "would migrate"), (at_review, "refused")]
        assert instance(services, late).process_version.version == 1

        report = migrating.migrate_all(services, PID, 1, v2, None, people["admin"], "renamed")
        assert [(o.instance_id, o.outcome) for o in report] == [(late, "migrated"), (at_review, "refused")]
        assert any("Activity_0review" in problem for problem in report[1].problems)
        assert instance(services, late).process_version.version == v2
        assert instance(services, at_review).process_version.version == 1
        do_task(services, people, late, "Activity_0late01", "rep", {})
        assert instance(services, late).status == "completed"


def test_an_instance_in_error_is_migrated_and_waits_there_for_a_retry(services, people):
    broken = deploy_version(services, "v1_late_broken")  # its deadline path scores with a broken script
    with freeze_time(T0) as clock:
        instance_id = start(services, people)
        clock.move_to(T0 + timedelta(hours=73))
        run_jobs(services)
        assert (instance(services, instance_id).status, instance(services, instance_id).next_wakeup_at) == (
            "error", None)
        fixed = deploy_version(services, "v2_fixed")
        steps = migrating.plan(services, instance_id, fixed, None, people["admin"])
        assert all(step.ok for step in steps)
        migrating.migrate(services, instance_id, fixed, None, people["admin"], "the late path is fixed")
        after = instance(services, instance_id)
        assert (after.process_version.version, after.status, after.next_wakeup_at) == (fixed, "error", None)
        assert events(services, "instance_migrated", instance_id)[0].data["from_version"] == broken


def test_events_the_new_version_attaches_to_an_active_task_are_refused(services, people):
    deploy_version(services, "v1_no_deadline")
    instance_id = start(services, people)
    v3 = deploy_version(services, "v2_added")  # the review has a deadline there: it cannot be armed now
    refused = [s for s in migrating.plan(services, instance_id, v3, None, people["admin"]) if not s.ok]
    assert [s.element_id for s in refused] == ["Activity_0review"]
    assert "attaches events to Activity_0review" in refused[0].problem
