"""R7: a DMN table routes each lead to a group; 2 h unopened is urgent; 24 h not followed up is taken back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from tests.support import events, inbox, open_elements, run_jobs, task_by_element

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def new_lead(library, **lead) -> int:
    data = {"company": "Northside High", "industry": "education", "budget": 600000,
            "decision_maker_level": "principal", **lead}
    return instances.start_process(library.services, "lead_response", data).instance_id


@pytest.mark.parametrize(("lead", "group", "material"), [
    ({}, "technical-sales", "Campus security architecture whitepaper"),
    ({"decision_maker_level": "it_director"}, "technical-sales", "Campus security architecture whitepaper"),
    ({"budget": 400000}, "education-sales", "Education customer references"),
    ({"decision_maker_level": "teacher"}, "education-sales", "Education customer references"),
    ({"industry": "retail", "budget": 2000000}, "key-accounts", "Enterprise reference architecture"),
    ({"industry": "retail", "budget": 50000}, "sales", "Product overview"),
])
def test_the_decision_table_routes_the_lead_to_a_group_with_its_material(services, library, lead, group, material):
    lead_id = new_lead(library, **lead)
    task = task_by_element(services, lead_id, "follow_up_lead")
    assert task.candidate_group == group
    assert task.status == "open"
    from tests.support import instance
    assert instance(services, lead_id).data["material"] == material


def test_unopened_for_2h_is_urgent_for_the_reps_who_could_take_it_and_their_manager(services, library):
    with freeze_time(T0) as clock:
        new_lead(library)  # routed to technical-sales: Rita
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
    for person in ("rep", "sales_mgr"):
        [urgent] = inbox(services, library.people[person])
        assert urgent.subject == "URGENT: lead Northside High has waited 2 hours"
        assert urgent.body["body"]["urgency"] == "high"
    assert inbox(services, library.people["rep2"]) == []  # not in the routed group


def test_a_lead_opened_in_time_is_not_urgent(services, library):
    with freeze_time(T0) as clock:
        lead_id = new_lead(library)
        task = task_by_element(services, lead_id, "follow_up_lead")
        clock.move_to(T0 + timedelta(hours=1, minutes=59))
        instances.claim_task(services, task.id, library.people["rep"])  # opened
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
    assert inbox(services, library.people["rep"]) == [] and inbox(services, library.people["sales_mgr"]) == []
    assert len(events(services, "escalate_skipped", lead_id)) == 1


def test_not_followed_up_in_24h_it_is_taken_back_and_the_manager_reassigns(services, library):
    with freeze_time(T0) as clock:
        lead_id = new_lead(library)
        clock.move_to(T0 + timedelta(hours=24, seconds=1))
        run_jobs(services)
        assert task_by_element(services, lead_id, "follow_up_lead").status == "cancelled"
        assert open_elements(services, lead_id) == ["reassign_lead"]
        assert task_by_element(services, lead_id, "reassign_lead").candidate_group == "sales-managers"
        assert len(events(services, "lead_reclaimed", lead_id)) == 1

        library.task(lead_id, "reassign_lead", "sales_mgr", {"reassigned_to": "rep2"})
        again = task_by_element(services, lead_id, "follow_up_reassigned")
        assert again.assignee_id == library.people["rep2"]
        library.task(lead_id, "follow_up_reassigned", "rep2", {"follow_up": "Called the principal"})
    from tests.support import instance
    assert instance(services, lead_id).status == "completed"
