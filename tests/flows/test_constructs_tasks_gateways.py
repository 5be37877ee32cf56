"""Plain and manual tasks complete on their own; inclusive gateways split by their conditions and join what was
started; parallel gateways join both branches (diagrams in tests/fixtures/constructs)."""

from __future__ import annotations

import pytest

from tests.constructs import deploy_constructs, do, open_elements, rows, start, status
from tests.support import events

ORDER = {"customer": "ACME", "amount": 1200}


@pytest.fixture
def people(services):
    return deploy_constructs(services)


def test_plain_and_manual_tasks_complete_on_their_own(services, people):
    instance_id = start(services, people, "construct_plain_tasks", who="delivery")
    assert open_elements(services, instance_id) == ["confirm_handover"]
    assert [r.element_id for r in rows(services, instance_id)] == ["confirm_handover"]  # no row for the others
    do(services, people, instance_id, "confirm_handover", "delivery", {"done": True})
    assert status(services, instance_id) == "completed"
    assert [e.element_id for e in events(services, "task_completed", instance_id)] == ["confirm_handover"]


def test_inclusive_gateway_takes_every_true_flow_and_joins_them(services, people):
    instance_id = start(services, people, "construct_gateways", {**ORDER, "needs_legal": True, "needs_finance": True})
    assert open_elements(services, instance_id) == ["review_finance", "review_legal"]
    assert sorted(r.candidate_group for r in rows(services, instance_id)) == ["finance", "legal"]

    do(services, people, instance_id, "review_legal", "legal", {"approved": True})
    assert open_elements(services, instance_id) == ["review_finance"]  # the join waits for the other branch

    do(services, people, instance_id, "review_finance", "finance", {"approved": True})
    assert open_elements(services, instance_id) == ["invoice", "pack"]  # parallel split after the join

    do(services, people, instance_id, "invoice", "finance", {"done": True})
    assert open_elements(services, instance_id) == ["pack"]
    assert status(services, instance_id) == "running"  # the parallel join waits
    do(services, people, instance_id, "pack", "delivery", {"done": True})
    assert status(services, instance_id) == "completed"


def test_inclusive_gateway_takes_the_default_flow_when_no_condition_holds(services, people):
    instance_id = start(services, people, "construct_gateways", {**ORDER, "needs_legal": False,
                                                                  "needs_finance": False})
    assert open_elements(services, instance_id) == ["review_delivery"]
    do(services, people, instance_id, "review_delivery", "delivery", {"approved": True})
    assert open_elements(services, instance_id) == ["invoice", "pack"]


def test_inclusive_gateway_with_one_true_condition_skips_the_default(services, people):
    instance_id = start(services, people, "construct_gateways", {**ORDER, "needs_legal": False,
                                                                  "needs_finance": True})
    assert open_elements(services, instance_id) == ["review_finance"]
    do(services, people, instance_id, "review_finance", "finance", {"approved": False})
    assert open_elements(services, instance_id) == ["invoice", "pack"]


def test_terminate_end_event_ends_every_branch(services, people):
    instance_id = start(services, people, "construct_terminate")
    assert open_elements(services, instance_id) == ["await_signature", "withdraw_offer"]
    do(services, people, instance_id, "withdraw_offer", "sales_mgr", {"done": True})
    assert status(services, instance_id) == "completed"
    assert [r.status for r in rows(services, instance_id, "await_signature")] == ["cancelled"]


def test_transaction_cancelled_by_its_cancel_end_event_takes_the_cancel_boundary(services, people):
    instance_id = start(services, people, "construct_transaction")
    do(services, people, instance_id, "confirm_booking", "rep", {"confirmed": False})
    assert open_elements(services, instance_id) == ["tell_traveller"]
    do(services, people, instance_id, "tell_traveller", "rep", {"done": True})
    assert status(services, instance_id) == "completed"
    assert rows(services, instance_id, "travel") == []


def test_transaction_that_completes_goes_on(services, people):
    instance_id = start(services, people, "construct_transaction")
    do(services, people, instance_id, "confirm_booking", "rep", {"confirmed": True})
    assert open_elements(services, instance_id) == ["travel"]
    do(services, people, instance_id, "travel", "rep", {"done": True})
    assert status(services, instance_id) == "completed"


def test_standard_loop_repeats_the_task_while_its_condition_holds(services, people):
    instance_id = start(services, people, "construct_standard_loop")
    do(services, people, instance_id, "draft_offer", "rep", {"accepted": False})
    assert open_elements(services, instance_id) == ["draft_offer"]  # drafted again: a new task row
    assert [r.status for r in rows(services, instance_id, "draft_offer")] == ["completed", "open"]
    do(services, people, instance_id, "draft_offer", "rep", {"accepted": True})
    assert status(services, instance_id) == "completed"


def test_standard_loop_stops_at_its_maximum(services, people):
    instance_id = start(services, people, "construct_standard_loop")
    for _ in range(3):
        do(services, people, instance_id, "draft_offer", "rep", {"accepted": False})
    assert status(services, instance_id) == "completed"
    assert len(rows(services, instance_id, "draft_offer")) == 3
