"""R9: due times from the diagram, escalation up two levels, reassignment by managers, the manager's view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances, org
from service.flows.errors import Forbidden
from service.store import queries
from tests.support import events, inbox, run_jobs, task_by_element

T0 = datetime(2026, 7, 6, 1, 0, tzinfo=UTC)


def at_review(library) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-5", "contract_amount": 500000, "terms": "net 30", "invoice_type": "receipt"})
    return project


def escalations(services, person, task="delivery_review"):
    return [m for m in inbox(services, person)
            if m.body.get("kind") == "escalate" and m.body["body"].get("task") == task]


def test_an_overdue_review_escalates_to_the_manager_then_one_level_up(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = at_review(library)
        review = task_by_element(services, project, "delivery_review")
        assert review.due_at == T0 + timedelta(hours=24)
        instances.claim_task(services, review.id, people["delivery"])

        clock.move_to(T0 + timedelta(hours=24, seconds=1))
        run_jobs(services)
        assert [m.subject for m in escalations(services, people["delivery_head"])] == [
            "Delivery review of ACME Education is 24 hours overdue"]
        assert escalations(services, people["vp"]) == []

        clock.move_to(T0 + timedelta(hours=48, seconds=1))
        run_jobs(services)
        assert [m.subject for m in escalations(services, people["vp"])] == [
            "Delivery review of ACME Education is 48 hours overdue"]
        assert len(escalations(services, people["delivery_head"])) == 1
        assert [e.data["level"] for e in events(services, "escalate", project)
                if e.data["task"] == "delivery_review"] == ["1", "2"]

        # Unclaimed, legal's review escalates to the legal team's manager (the VP), and one level
        # further reaches the top of the chain: the VP again, not nobody.
        assert [m.subject for m in escalations(services, people["vp"], "legal_review")] == [
            "Legal review of ACME Education is 24 hours overdue", "Legal review of ACME Education is 48 hours overdue"]

        with services.sessions() as session:  # the VP's view of the whole reporting tree
            tree = org.reporting_tree(session, people["vp"]) | {people["vp"]}
            overdue = queries.overdue_tasks(session, tree, T0 + timedelta(hours=49))
            seen = queries.escalations_for(session, tree, T0)
            head = org.reporting_tree(session, people["delivery_head"]) | {people["delivery_head"]}
            head_overdue = queries.overdue_tasks(session, head, T0 + timedelta(hours=49))
        assert people["delivery"] in tree and people["rep"] in tree
        assert sorted(t.element_id for t in overdue) == ["delivery_review", "legal_review"]
        assert sorted((e.data["task"], e.data["level"]) for e in seen) == [
            ("delivery_review", "1"), ("delivery_review", "2"), ("legal_review", "1"), ("legal_review", "2")]
        assert [t.element_id for t in head_overdue] == ["delivery_review"]  # legal is not under delivery


def test_only_a_manager_above_the_holder_can_reassign(services, library):
    people = library.people
    project = at_review(library)
    review = task_by_element(services, project, "delivery_review")
    instances.claim_task(services, review.id, people["delivery"])
    with pytest.raises(Forbidden):
        instances.reassign_task(services, review.id, people["delivery_head"], people["sales_mgr"])
    with pytest.raises(Forbidden):
        instances.reassign_task(services, review.id, people["delivery_head"], people["delivery"])
    instances.reassign_task(services, review.id, people["delivery_head"], people["delivery_head"])
    assert task_by_element(services, project, "delivery_review").assignee_id == people["delivery_head"]
    with pytest.raises(Forbidden):  # the former holder cannot complete any more
        instances.complete_task(services, review.id, people["delivery"], {"delivery_approved": True})
    instances.complete_task(services, review.id, people["delivery_head"], {"delivery_approved": True})
    [moved] = events(services, "task_reassigned", project)
    assert (moved.actor_id, moved.data["previous"]) == (people["delivery_head"], people["delivery"])
