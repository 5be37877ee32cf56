"""People act on tasks through flows: claim, complete with validated data, conflicts, freezing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.flows import instances
from service.flows.errors import Conflict, Forbidden, FormInvalid, InstanceFrozen
from service.store.models import AuditEvent, Instance, Outbox, Task
from tests.support import count, deploy_fixtures, events, instance, open_tasks, seed, task_by_element


@pytest.fixture
def people(services):
    deploy_fixtures(services)
    return seed(services)


@pytest.fixture
def review(services, people):
    with freeze_time("2026-04-01 09:00:00"):  # the test acts within the review's SLA
        yield _start_review(services, people)


def _start_review(services, people):
    started = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    return task_by_element(services, started.instance_id, "review")


def test_start_projects_the_first_task_with_its_lane_form_and_due_time(services, people, review):
    assert review.status == "open"
    assert review.candidate_group == "delivery"
    assert review.form_key == "sample/review.json"
    assert review.due_at == review.created_at + timedelta(hours=24)  # the review's 24 h reminder cycle
    kinds = [e.kind for e in _log(services, review.instance_id)]
    assert kinds == ["instance_started", "task_opened"]


def test_only_a_candidate_group_member_can_claim(services, people, review):
    with pytest.raises(Forbidden):
        instances.claim_task(services, review.id, people["rep"])
    instances.claim_task(services, review.id, people["delivery"])
    with pytest.raises(Forbidden, match="holds this task already"):  # someone else's task: 403, saying whose
        instances.claim_task(services, review.id, people["delivery_head"])


def test_only_the_assignee_completes_and_only_after_claiming(services, people, review):
    with pytest.raises(Forbidden):
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})
    instances.claim_task(services, review.id, people["delivery"])
    with pytest.raises(Forbidden):
        instances.complete_task(services, review.id, people["delivery_head"], {"approved": True})
    instances.complete_task(services, review.id, people["delivery"], {"approved": True, "comment": "fine"})
    done = task_by_element(services, review.instance_id, "review")
    assert (done.status, done.completed_by) == ("completed", people["delivery"])
    completed = events(services, "task_completed", review.instance_id)
    assert [(e.element_id, e.actor_id) for e in completed] == [("review", people["delivery"])]


def test_invalid_form_data_is_refused_with_field_errors_and_nothing_is_written(services, people, review):
    instances.claim_task(services, review.id, people["delivery"])
    before = _snapshot(services, review.instance_id)
    with pytest.raises(FormInvalid) as refused:
        instances.complete_task(services, review.id, people["delivery"], {"approved": "yes", "comment": 7})
    assert refused.value.errors == {"approved": ["Approved must be yes or no"],  # in words, from the form
                                    "comment": ["Comment must be text"]}
    with pytest.raises(FormInvalid) as missing:
        instances.complete_task(services, review.id, people["delivery"], {})
    assert missing.value.errors == {"approved": ["Approved is required"]}
    assert _snapshot(services, review.instance_id) == before


def test_a_stale_task_version_is_a_conflict_and_changes_nothing(services, people, review):
    version = instances.claim_task(services, review.id, people["delivery"])
    before = _snapshot(services, review.instance_id)
    with pytest.raises(Conflict):
        instances.complete_task(services, review.id, people["delivery"], {"approved": True},
                                expected_version=version - 1)
    assert _snapshot(services, review.instance_id) == before
    instances.complete_task(services, review.id, people["delivery"], {"approved": True}, expected_version=version)


def test_completing_a_finished_task_again_is_a_conflict(services, people, review):
    instances.claim_task(services, review.id, people["delivery"])
    instances.complete_task(services, review.id, people["delivery"], {"approved": True})
    with pytest.raises(Conflict):
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})
    assert len(events(services, "task_completed", review.instance_id)) == 1


def test_a_frozen_instance_refuses_completion_until_released(services, people, review):
    instances.claim_task(services, review.id, people["delivery"])
    instances.freeze(services, review.instance_id, "knowledge-base version changed", actor_id=people["admin"])
    assert instance(services, review.instance_id).next_wakeup_at is None
    with pytest.raises(InstanceFrozen):
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})
    instances.release(services, review.instance_id, actor_id=people["admin"])
    assert instance(services, review.instance_id).next_wakeup_at is not None
    instances.complete_task(services, review.id, people["delivery"], {"approved": True})
    kinds = [e.kind for e in _log(services, review.instance_id)]
    assert kinds.index("instance_frozen") < kinds.index("instance_released") < kinds.index("task_completed")


def test_a_process_runs_to_completion_and_the_log_tells_the_story(services, people):
    from datetime import UTC, datetime, timedelta

    from freezegun import freeze_time

    from tests.support import run_jobs

    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(t0) as clock:
        started = instances.start_process(services, "timer_demo", {"customer": "Initech"}, actor_id=people["rep"])
        review = task_by_element(services, started.instance_id, "review")
        instances.claim_task(services, review.id, people["delivery"])
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})
        assert open_tasks(services, started.instance_id) == []
        clock.move_to(t0 + timedelta(hours=1, seconds=1))
        run_jobs(services)
        confirm = task_by_element(services, started.instance_id, "confirm")
        instances.claim_task(services, confirm.id, people["rep"])
        instances.complete_task(services, confirm.id, people["rep"], {"confirmed": True})
    final = instance(services, started.instance_id)
    assert (final.status, final.next_wakeup_at, final.data["confirmed"]) == ("completed", None, True)
    assert [e.kind for e in _log(services, started.instance_id)] == [
        "instance_started", "task_opened", "task_claimed", "task_completed", "timer_fired", "task_opened",
        "task_claimed", "task_completed", "instance_completed"]


def _log(services, instance_id):
    with services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        return list(session.scalars(query))


def _snapshot(services, instance_id):
    with services.sessions() as session:
        row = session.get(Instance, instance_id)
        tasks = [(t.id, t.status, t.row_version) for t in session.scalars(select(Task).order_by(Task.id))]
        return (row.row_version, row.state, tasks, count(services, AuditEvent), count(services, Outbox))


def test_a_form_refuses_keys_it_does_not_declare_and_badly_formatted_values(services, people, review):
    instances.claim_task(services, review.id, people["delivery"])
    with pytest.raises(FormInvalid) as refused:
        instances.complete_task(services, review.id, people["delivery"],
                                {"approved": True, "initiator": "delivery", "customer": "Someone else"})
    assert refused.value.errors == {"customer": ["not a field of this form"],
                                    "initiator": ["not a field of this form"]}


def test_an_instance_in_error_takes_no_more_completions(services, people, review):
    from sqlalchemy import update

    instances.claim_task(services, review.id, people["delivery"])
    with services.sessions() as session:
        session.execute(update(Instance).where(Instance.id == review.instance_id)
                        .values(status="error", error="operator failed"))
        session.commit()
    with pytest.raises(Conflict, match="operator failed"):
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})
