"""R1: a project moves through the eight stages in order; a stalled stage reminds its owner and manager."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from tests.support import events, inbox, instance, open_elements, run_jobs

STAGES = ["Opportunity", "Contract co-signing", "Handover", "Implementation", "UAT complete",
          "Customer acceptance", "Invoicing", "Payment received"]
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_project_goes_from_opportunity_to_payment_received(services, library):
    project = library.to_acceptance()
    library.accept(project, "2026-03-20")
    library.task(project, "invoicing", "finance", {"invoice_number": "INV-77", "invoiced_amount": 800000})
    library.task(project, "payment", "finance", {"received_amount": 800000, "received_on": "2026-04-20"})
    assert open_elements(services, project) == ["commitment_letter"]
    library.task(project, "commitment_letter", "rep", {"commitment_letter": library.document("rep", "letter.pdf")})

    row = instance(services, project)
    assert (row.status, row.project_status, row.stage) == ("completed", "closed", "Payment received")
    assert [e.data["stage"] for e in events(services, "stage_entered", project)] == STAGES
    assert row.customer_id == library.customer_id


def _reminders(services, username_id, stage):
    return [m for m in inbox(services, username_id) if m.body.get("body", {}).get("stage") == stage]


def test_a_stalled_stage_reminds_owner_and_manager_every_24h_until_it_moves(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = library.won_project()
        for hours in (24, 48):
            clock.move_to(T0 + timedelta(hours=hours, seconds=1))
            run_jobs(services)
        assert len(_reminders(services, people["rep"], "Opportunity")) == 2
        assert len(_reminders(services, people["sales_mgr"], "Opportunity")) == 2
        assert _reminders(services, people["vp"], "Opportunity") == []

        library.describe_opportunity(project)  # the stage moves at 48 h
        for hours in (72, 96):
            clock.move_to(T0 + timedelta(hours=hours, seconds=2))
            run_jobs(services)
        assert len(_reminders(services, people["rep"], "Opportunity")) == 2  # no more for the old stage
        contract = _reminders(services, people["sales_mgr"], "Contract co-signing")
        assert len(contract) == 2 and "ACME Education" in contract[0].subject


def test_a_failed_uat_goes_back_to_implementation(services, library):
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    library.hand_over(project)
    library.task(project, "implementation", "delivery", {"implementation_done": True})
    library.task(project, "uat", "delivery", {"uat_passed": False, "uat_findings": ["SSO fails for teachers"]})
    assert open_elements(services, project) == ["implementation"]
    assert instance(services, project).stage == "Implementation"


def test_a_project_cannot_start_without_its_customer(services, library):
    import pytest

    from service.flows import instances
    from service.flows.errors import FormInvalid

    with pytest.raises(FormInvalid) as refused:
        instances.start_process(services, "project_lifecycle", {}, actor_id=library.people["rep"])
    assert set(refused.value.errors) == {"customer", "customer_id"}


def test_the_reps_own_tasks_go_to_the_rep_not_to_every_colleague(services, library):
    import pytest

    from service.flows import instances
    from service.flows.errors import Forbidden
    from tests.support import task_by_element

    project = library.won_project()
    library.describe_opportunity(project)
    submit = task_by_element(services, project, "submit_contract")
    assert submit.assignee_id == library.people["rep"]
    with pytest.raises(Forbidden, match="Rita Patel .* holds this task already"):  # a colleague sees it: 403
        instances.claim_task(services, submit.id, library.people["rep2"])
