"""Cancel, suspend and resume (issue 10): tokens, tasks, timers and messages, with a real RQ worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.flows import dashboards, instance_actions, instances
from service.flows.errors import Conflict, Forbidden, FormInvalid
from service.store.models import Outbox, TaskGroup
from tests.library import make_library
from tests.support import count, events, inbox, instance, run_jobs, task_by_element

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def library(services):
    return make_library(services)


def _on_board(services, project: int) -> bool:
    with services.sessions() as session:
        return any(p["id"] == project for column in dashboards.stage_board(session, services.clock())
                   for p in column["projects"])


def _in_contract(library) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    return project  # legal's review is unclaimed, the rep holds the contract submission


def test_cancel_ends_tokens_tasks_timers_and_tells_the_assignee(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = _in_contract(library)
        task = task_by_element(services, project, "submit_contract")
        assert instance(services, project).next_wakeup_at is not None and _on_board(services, project)
        version = instance(services, project).row_version

        instance_actions.cancel(services, project, people["sales_mgr"], "the customer chose a competitor", version)

        cancelled = instance(services, project)
        assert (cancelled.status, cancelled.next_wakeup_at, cancelled.completed_at) == ("cancelled", None, T0)
        assert task_by_element(services, project, "submit_contract").status == "cancelled"
        assert count(services, TaskGroup, TaskGroup.task_id == task.id) == 0
        [entry] = events(services, "instance_cancelled", project)
        assert entry.actor_id == people["sales_mgr"] and entry.data["reason"] == "the customer chose a competitor"
        assert task.id in entry.data["tasks_cancelled"]
        assert not _on_board(services, project)

        run_jobs(services)  # the cancellation's message reaches the rep who held the task
        told = [m for m in inbox(services, people["rep"]) if m.body.get("body", {}).get("reason")]
        assert [m.body["body"]["reason"] for m in told] == ["the customer chose a competitor"]
        sent = count(services, Outbox)

        clock.move_to(T0 + timedelta(days=3))  # the 24 h SLA reminders would have fired by now
        run_jobs(services)
        assert events(services, "timer_fired", project) == []
        assert count(services, Outbox) == sent


def test_cancel_is_refused_to_the_rep_twice_and_without_a_reason(services, library):
    people = library.people
    project = _in_contract(library)
    with pytest.raises(Forbidden):
        instance_actions.cancel(services, project, people["rep"], "mine")
    with pytest.raises(FormInvalid) as refused:
        instance_actions.cancel(services, project, people["admin"], "   ")
    assert "reason" in refused.value.errors
    with pytest.raises(Conflict):
        instance_actions.cancel(services, project, people["admin"], "late", expected_version=1)
    instance_actions.cancel(services, project, people["admin"], "duplicate project")
    with pytest.raises(Conflict, match="cancelled"):
        instance_actions.cancel(services, project, people["admin"], "again")


def test_suspended_nothing_completes_and_no_timer_fires_until_resumed(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = _in_contract(library)
        task = task_by_element(services, project, "submit_contract")
        instance_actions.suspend(services, project, people["vp"], "waiting for the customer's board")
        assert instance(services, project).next_wakeup_at is None
        assert _on_board(services, project)  # still on the board, marked
        with services.sessions() as session:
            [mark] = [p for c in dashboards.stage_board(session, T0) for p in c["projects"] if p["id"] == project]
        assert mark["status"] == "suspended"
        with pytest.raises(Conflict, match="suspended: waiting for the customer's board"):
            instances.complete_task(services, task.id, people["rep"], {})

        clock.move_to(T0 + timedelta(hours=25))  # the contract stage's 24 h SLA came due while suspended
        run_jobs(services)
        assert events(services, "timer_fired", project) == []

        with pytest.raises(Conflict):
            instance_actions.suspend(services, project, people["vp"], "twice")
        instance_actions.resume(services, project, people["vp"], "the board said yes")
        fired = events(services, "timer_fired", project)
        assert [e.element_id for e in fired] == ["contract_sla"]  # it fired at once, on resume
        resumed = instance(services, project)
        assert resumed.status == "running" and resumed.next_wakeup_at > T0 + timedelta(hours=25)
        assert [e.data["reason"] for e in events(services, "instance_resumed", project)] == ["the board said yes"]
        with pytest.raises(Conflict):
            instance_actions.resume(services, project, people["vp"], "twice")


def test_cancel_a_suspended_project_sends_nothing_later(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = _in_contract(library)
        instance_actions.suspend(services, project, people["admin"], "hold")
        instance_actions.cancel(services, project, people["admin"], "lost")
        assert instance(services, project).status == "cancelled"
        clock.move_to(T0 + timedelta(days=2))
        run_jobs(services)
        assert events(services, "timer_fired", project) == []
        with services.sessions() as session:
            assert session.scalars(select(Outbox).where(Outbox.topic == "escalate")).all() == []


def test_a_cancelled_project_leaves_the_accepted_not_invoiced_list_a_suspended_one_stays(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        lost, paused = library.to_acceptance(), library.to_acceptance()
        library.accept(lost, "2026-03-02")
        library.accept(paused, "2026-03-02")
        clock.move_to(T0 + timedelta(days=8))
        with services.sessions() as session:
            assert sorted(p["id"] for p in dashboards.accepted_not_invoiced(session, services.clock())) \
                == sorted([lost, paused])
        instance_actions.cancel(services, lost, people["admin"], "the customer went bankrupt")
        instance_actions.suspend(services, paused, people["admin"], "invoice on hold")
        with services.sessions() as session:
            assert [p["id"] for p in dashboards.accepted_not_invoiced(session, services.clock())] == [paused]


def test_move_forward_skips_a_step_and_back_sends_it_to_the_contract(services, library):
    from service.flows.move import move

    people = library.people
    project = library.won_project()
    opportunity = task_by_element(services, project, "opportunity")
    move(services, project, people["admin"], "described on paper", None, "opportunity", "contract",
         {"customer": "ACME Education", "contract_value": 1})
    assert task_by_element(services, project, "opportunity").status == "cancelled" and opportunity.id
    assert task_by_element(services, project, "submit_contract").status == "open"  # the call activity started
    [moved] = events(services, "token_moved", project)
    assert moved.actor_id == people["admin"] and moved.data["direction"] == "forward"
    assert moved.data["reason"] == "described on paper"

    library.cosign(project)  # the handover starts
    assert task_by_element(services, project, "core_requirements").status == "open"
    move(services, project, people["admin"], "legal found a problem", None, "handover", "contract")
    assert task_by_element(services, project, "core_requirements").status == "cancelled"
    assert task_by_element(services, project, "submit_contract").status == "open"
    assert events(services, "token_moved", project)[-1].data["direction"] == "back"
    from service.engine.timers import pending_timers

    timers = {t.element_id for t in pending_timers(services.engine.restore(instance(services, project).state))}
    assert "contract_sla" in timers and not timers & {"handover_sla", "handover_late"}  # the handover's stopped
    library.cosign(project)  # and the process goes on from there as it did the first time
    assert task_by_element(services, project, "core_requirements").status == "open"


def test_moves_the_engine_cannot_make_are_refused(services, library):
    from service.flows.move import move

    people = library.people
    project = library.won_project()
    for to, words in [("nowhere", "no element"), ("opportunity_sla", "boundary"), ("project_start", "start"),
                      ("accepted_split", "parallel"), ("legal_review", "another sub-process"),
                      ("commitment_letter", "crossing")]:
        with pytest.raises(FormInvalid, match=words):
            move(services, project, people["admin"], "try", None, "opportunity", to)
    with pytest.raises(FormInvalid, match="no token"):
        move(services, project, people["admin"], "try", None, "uat", "opportunity")
    with pytest.raises(Forbidden):
        move(services, project, people["sales_mgr"], "try", None, "opportunity", "contract")
    assert task_by_element(services, project, "opportunity").status == "open"
