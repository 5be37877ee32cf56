"""Camunda 7's invoice process, as Camunda Modeler writes it, runs end to end.

The diagram keeps its JUEL (``${approved}``, ``${!approved}``, ``${approverGroups}``,
``${dateTime().plusWeeks(1).toDate()}``) and its DMN file keeps FEEL (``< 250``,
``[250..1000]``, ``"budget", "exceptional"``), two decisions, a decision requirements
graph and hit policy COLLECT; the business rule task keeps ``camunda:resultVariable``
with ``camunda:mapDecisionResult="collectEntries"``. The only edits from Camunda's
example: JSON Schema forms instead of HTML forms, lanes named after groups.
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


def receive(services, people, amount, category="Misc") -> int:
    data = {"creditor": "Great Pizza for Everyone Inc.", "amount": amount, "invoiceCategory": category,
            "invoiceNumber": "GPFE-23232323"}
    return instances.start_process(services, "invoice", data, actor_id=people["rep"]).instance_id


def test_an_approved_budget_invoice_goes_to_the_managers_then_to_finance(services, people):
    with freeze_time(T0) as clock:
        instance_id = receive(services, people, 500)
        assert instance(services, instance_id).data["approverGroups"] == ["managers"]
        approve = task_by_element(services, instance_id, "Activity_0approve")
        assert (approve.candidate_group, approve.due_at.replace(tzinfo=UTC)) == ("managers", T0 + timedelta(weeks=1))

        clock.move_to(T0 + timedelta(hours=5))
        do_task(services, people, instance_id, "Activity_0approve", "sales_mgr", {"approved": True})
        transfer = task_by_element(services, instance_id, "Activity_1transfer")
        assert transfer.candidate_group == "finance"
        assert transfer.due_at.replace(tzinfo=UTC) == T0 + timedelta(hours=5, days=3)

        do_task(services, people, instance_id, "Activity_1transfer", "finance", {"transferPrepared": True})
        assert instance(services, instance_id).status == "completed"


def test_a_rejected_invoice_is_not_processed(services, people):
    instance_id = receive(services, people, 5000)
    assert instance(services, instance_id).data["approverGroups"] == ["managers"]  # exceptional
    do_task(services, people, instance_id, "Activity_0approve", "sales_mgr", {"approved": False})
    done = instance(services, instance_id)
    assert done.status == "completed"
    assert task_by_element(services, instance_id, "Activity_1transfer") is None


@pytest.mark.parametrize(("amount", "category", "groups"), [
    (249.99, "Misc", ["finance", "sales"]),  # < 250: day-to-day, two rules of the COLLECT table
    (250, "Misc", ["managers"]),  # [250..1000] includes both ends
    (1000, "Misc", ["managers"]),
    (1000.01, "Misc", ["managers"]),  # > 1000: exceptional
    (99999, "Travel Expenses", ["finance", "sales"]),  # "-": any amount
    (1, "Software License Costs", ["managers"]),
])
def test_the_decision_requirements_graph_classifies_then_assigns(services, people, amount, category, groups):
    instance_id = receive(services, people, amount, category)
    assert instance(services, instance_id).data["approverGroups"] == groups
    assert open_elements(services, instance_id) == ["Activity_0approve"]
