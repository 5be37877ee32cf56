"""R8: a customer change reaches the delivery manager of each open project, with before and after."""

from __future__ import annotations

import pytest

from service.flows.customers import change_customer
from service.flows.errors import FormInvalid
from tests.support import inbox, run_jobs


def changes_told(services, person):
    return [m for m in inbox(services, person) if m.body.get("kind") == "customer_changed"]


def project_with_delivery(library) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)  # delivery (Dana) reviewed the contract: she is the project's delivery manager
    return project


def test_budget_decision_maker_and_attention_changes_reach_delivery_with_before_and_after(services, library):
    project_with_delivery(library)
    project_with_delivery(library)
    result = change_customer(services, library.customer_id, {
        "budget": 950000, "executive_attention": True,
        "decision_makers": [{"name": "Li Wei", "role": "principal"}, {"name": "Zhao Min", "role": "it_director"}],
    }, actor_id=library.people["rep"])
    assert result.notified == ["delivery", "delivery"]
    run_jobs(services)
    messages = changes_told(services, library.people["delivery"])
    assert len(messages) == 2
    changes = {c["field"]: (c["before"], c["after"]) for c in messages[0].body["body"]["changes"]}
    assert changes == {
        "budget": (800000, 950000),
        "executive_attention": (False, True),
        "decision_makers": ([{"name": "Li Wei", "role": "principal"}],
                            [{"name": "Li Wei", "role": "principal"}, {"name": "Zhao Min", "role": "it_director"}]),
    }
    assert messages[0].subject == "ACME Education changed: Budget, Executive attention, Decision makers"
    assert changes_told(services, library.people["delivery_head"]) == []


def test_no_message_when_nothing_watched_changed_for_closed_projects_or_without_a_delivery_manager(
        services, library):
    from sqlalchemy import update

    from service.store.models import Instance

    closed = project_with_delivery(library)
    with services.sessions() as session:
        session.execute(update(Instance).where(Instance.id == closed).values(status="completed"))
        session.commit()
    library.won_project()  # still at the opportunity: nobody in delivery owns it yet
    same = change_customer(services, library.customer_id, {"budget": 800000}, actor_id=library.people["rep"])
    assert (same.changes, same.notified) == ([], [])
    budget = change_customer(services, library.customer_id, {"budget": 900000}, actor_id=library.people["rep"])
    assert budget.changes[0]["before"] == 800000 and budget.notified == []
    other = change_customer(services, library.customer_id, {"industry": "higher education"},
                            actor_id=library.people["rep"])
    assert other.notified == [] and other.changes[0]["before"] == "education"
    run_jobs(services)
    assert changes_told(services, library.people["delivery"]) == []


def test_unknown_fields_are_refused(services, library):
    with pytest.raises(FormInvalid) as refused:
        change_customer(services, library.customer_id, {"budgett": 1}, actor_id=library.people["rep"])
    assert refused.value.errors == {"budgett": ["not a customer field"]}
