"""A Camunda 7 expense claim: JUEL in every place Camunda Modeler puts it, three kinds of decision.

Conditions read ``approval.level``, ``eq``, ``le``, ``&&``, ``||``, ``and``, ``empty``
and strings in both quotes; the due dates are ``dateTime()`` chains; the correction
goes back to ``${initiator}``. The decisions are a PRIORITY table kept with
``mapDecisionResult="singleResult"`` and a COLLECT SUM table kept with ``singleEntry``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from tests.support import FIXTURES, deploy_fixtures, do_task, instance, open_elements, seed, task_by_element

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(services):
    deploy_fixtures(services, FIXTURES / "camunda7")
    return seed(services)


def claim(services, people, amount, category) -> int:
    data = {"amount": amount, "category": category, "description": "Customer visit"}
    return instances.start_process(services, "expense_claim", data, actor_id=people["rep"]).instance_id


def due(services, instance_id, element_id):
    return task_by_element(services, instance_id, element_id).due_at.replace(tzinfo=UTC)


@pytest.mark.parametrize(("amount", "category", "level", "reason", "points", "waits_at"), [
    (30, "meals", "none", "small amount", 1, []),
    (800, "travel", "manager", "up to 10000", 11, ["Activity_1approve"]),
    (7000, "meals", "manager", "up to 10000", 51, ["Activity_0director"]),  # a manager, but above 5000
    (3000, "equipment", "director", "expensive equipment", 6, ["Activity_0director"]),
    (20000, "hotel", "director", "large amount", 61, ["Activity_0director"]),
])
def test_the_decisions_route_the_claim(services, people, amount, category, level, reason, points, waits_at):
    instance_id = claim(services, people, amount, category)
    data = instance(services, instance_id).data
    assert data["approval"] == {"level": level, "reason": reason}
    assert data["points"] == points
    assert open_elements(services, instance_id) == waits_at
    assert (instance(services, instance_id).status == "completed") == (not waits_at)


def test_a_manager_approves_within_two_days(services, people):
    with freeze_time(T0):
        instance_id = claim(services, people, 800, "travel")
        assert task_by_element(services, instance_id, "Activity_1approve").candidate_group == "managers"
        assert due(services, instance_id, "Activity_1approve") == T0 + timedelta(days=2)
        do_task(services, people, instance_id, "Activity_1approve", "sales_mgr", {"decision": "approve"})
        assert instance(services, instance_id).status == "completed"
        assert task_by_element(services, instance_id, "Activity_0fix") is None


def test_a_rejected_claim_goes_back_to_whoever_submitted_it(services, people):
    with freeze_time(T0) as clock:
        instance_id = claim(services, people, 3000, "equipment")
        assert task_by_element(services, instance_id, "Activity_0director").candidate_group == "executives"
        assert due(services, instance_id, "Activity_0director") == T0 + timedelta(days=1, hours=12)

        clock.move_to(T0 + timedelta(hours=1))
        do_task(services, people, instance_id, "Activity_0director", "vp",
                {"decision": "approve", "rejectionReason": "No receipt attached"})
        fix = task_by_element(services, instance_id, "Activity_0fix")
        assert fix.assignee_id == people["rep"]
        assert due(services, instance_id, "Activity_0fix") == T0 + timedelta(hours=5)
        do_task(services, people, instance_id, "Activity_0fix", "rep", {"corrected": True})
        assert instance(services, instance_id).status == "completed"
