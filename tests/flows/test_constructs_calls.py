"""Call activities pass exactly what camunda:in and camunda:out name; embedded sub-processes share the data;
errors and escalations thrown inside are caught by boundary events, interrupting or not
(diagrams in tests/fixtures/constructs)."""

from __future__ import annotations

import pytest

from tests.constructs import deploy_constructs, do, engine_data, open_elements, rows, start, status


@pytest.fixture
def people(services):
    return deploy_constructs(services)


def test_call_activity_passes_what_camunda_in_and_out_name(services, people):
    instance_id = start(services, people, "construct_call", {"customer": "acme", "amount": 900})
    called = rows(services, instance_id, "price_quote", "open")
    assert [r.candidate_group for r in called] == ["finance"]  # the called process's lane
    data = engine_data(services, instance_id, called[0])
    assert data["base_amount"] == 900 and data["customer_name"] == "ACME"  # source/target and sourceExpression
    assert "amount" not in data and "customer" not in data

    do(services, people, instance_id, "price_quote", "finance", {"quote": 1100})
    back = engine_data(services, instance_id, rows(services, instance_id, "accept_quote", "open")[0])
    assert back["quoted_price"] == 1100 and back["amount"] == 900 and back["customer"] == "acme"
    assert "base_amount" not in back and "quote" not in back  # only what camunda:out names comes back

    do(services, people, instance_id, "accept_quote", "rep", {"approved": True})
    assert status(services, instance_id) == "completed"


def test_the_called_process_still_starts_on_its_own(services, people):
    instance_id = start(services, people, "construct_quote", who="finance")
    assert open_elements(services, instance_id) == ["price_quote"]


def test_error_end_event_in_a_sub_process_is_caught_by_its_boundary_event(services, people):
    instance_id = start(services, people, "construct_errors", who="delivery")
    assert open_elements(services, instance_id) == ["check_stock"]
    do(services, people, instance_id, "check_stock", "delivery", {"in_stock": False})
    assert open_elements(services, instance_id) == ["backorder"]  # interrupting: the payment never starts
    do(services, people, instance_id, "backorder", "delivery", {"done": True})
    assert status(services, instance_id) == "completed"
    assert rows(services, instance_id, "take_payment") == []


def test_error_end_event_of_a_called_process_is_caught_on_the_call_activity(services, people):
    instance_id = start(services, people, "construct_errors", who="delivery")
    do(services, people, instance_id, "check_stock", "delivery", {"in_stock": True})
    assert open_elements(services, instance_id) == ["take_payment"]
    do(services, people, instance_id, "take_payment", "finance", {"paid": False})
    assert open_elements(services, instance_id) == ["chase_payment"]
    do(services, people, instance_id, "chase_payment", "finance", {"done": True})
    assert status(services, instance_id) == "completed"
    assert rows(services, instance_id, "ship") == []


def test_no_error_takes_the_normal_path(services, people):
    instance_id = start(services, people, "construct_errors", who="delivery")
    do(services, people, instance_id, "check_stock", "delivery", {"in_stock": True})
    do(services, people, instance_id, "take_payment", "finance", {"paid": True})
    do(services, people, instance_id, "ship", "delivery", {"done": True})
    assert status(services, instance_id) == "completed"


def test_escalation_throw_is_caught_without_interrupting_then_an_escalation_end_interrupts(services, people):
    instance_id = start(services, people, "construct_escalations", who="delivery")
    # the intermediate throw asked for help: the sub-process goes on and a manager assists beside it
    assert open_elements(services, instance_id) == ["assist", "prepare"]
    assert [r.candidate_group for r in rows(services, instance_id, "assist")] == ["managers"]
    do(services, people, instance_id, "prepare", "delivery", {"done": True})
    assert open_elements(services, instance_id) == ["assist", "do_delivery"]

    do(services, people, instance_id, "do_delivery", "delivery", {"ready": False, "blocked": True})
    assert open_elements(services, instance_id) == ["assist", "take_over"]  # the escalation end interrupted
    do(services, people, instance_id, "take_over", "delivery_head", {"done": True})
    assert status(services, instance_id) == "running"  # the assistance is still open
    do(services, people, instance_id, "assist", "sales_mgr", {"done": True})
    assert status(services, instance_id) == "completed"


def test_without_escalation_the_delivery_finishes(services, people):
    instance_id = start(services, people, "construct_escalations", who="delivery")
    do(services, people, instance_id, "assist", "sales_mgr", {"done": True})
    do(services, people, instance_id, "prepare", "delivery", {"done": True})
    do(services, people, instance_id, "do_delivery", "delivery", {"ready": True, "blocked": False})
    assert status(services, instance_id) == "completed"


def test_a_call_activity_may_call_a_process_deployed_before(services):
    """A designer sends the caller alone; the called process comes from what is deployed."""
    from service.engine.bundle import read_tree
    from service.flows.deploy import deploy
    from tests.constructs import CONSTRUCTS
    from tests.support import seed

    files = read_tree(CONSTRUCTS)
    called = {p: t for p, t in files.items() if p == "bpmn/site_visit.bpmn" or p.startswith("forms/")}
    caller = {p: t for p, t in files.items() if p in ("bpmn/mi_activities.bpmn", "forms/constructs/sites.json",
                                                      "forms/constructs/done.json")}
    deploy(services, called, "tests")
    deployed = deploy(services, caller, "tests", on_top_of_deployed=True)
    assert [d.process_id for d in deployed] == ["construct_mi_activities"]
    people = seed(services)
    instance_id = start(services, people, "construct_mi_activities", {"sites": ["Oslo"]}, who="delivery")
    do(services, people, instance_id, "inspect_site", "delivery", {"done": True})
    do(services, people, instance_id, "report_visit", "delivery", {"visit_report": "fine"})
    assert status(services, instance_id) == "completed"


def test_an_error_nobody_catches_ends_its_process_like_a_none_end_event(services, people):
    """As in Camunda 7: the called process started on its own has no boundary event to catch its error."""
    instance_id = start(services, people, "construct_payment", who="finance")
    do(services, people, instance_id, "take_payment", "finance", {"paid": False})
    assert status(services, instance_id) == "completed"
