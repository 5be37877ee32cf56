"""R3: legal and delivery review in parallel; delivery gets the service history; a rejection loops back."""

from __future__ import annotations

from tests.support import events, inbox, instance, open_elements, run_jobs


def test_legal_review_start_pushes_the_service_history_to_delivery(services, library):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-9", "contract_amount": 800000, "terms": "net 30", "invoice_type": "vat_general"})
    assert open_elements(services, project) == ["delivery_review", "legal_review"]
    run_jobs(services)
    [message] = [m for m in inbox(services, library.people["delivery"]) if "deliverable" in m.subject]
    history = message.body["body"]["service_history"]
    assert history == {"customer": "ACME Education", "sla_achievement": 0.92,
                       "complaint_types": ["slow incident response", "missed training date"]}
    assert message.body["body"]["contract_number"] == "C-9"


def test_either_rejection_returns_the_contract_to_the_rep_with_reasons_then_to_both(services, library):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-9", "contract_amount": 800000, "terms": "net 30", "invoice_type": "vat_general"})
    library.task(project, "legal_review", "legal", {"legal_approved": False,
                                                    "legal_reasons": "Penalty clause uncapped"})
    assert open_elements(services, project) == ["delivery_review"]  # the join waits for both
    library.task(project, "delivery_review", "delivery", {"delivery_approved": True})
    assert open_elements(services, project) == ["revise_contract"]
    assert instance(services, project).data["legal_reasons"] == "Penalty clause uncapped"

    library.task(project, "revise_contract", "rep", {"revision_note": "Penalty capped at 10%",
                                                     "terms": "net 30, penalty cap 10%"})
    assert open_elements(services, project) == ["delivery_review", "legal_review"]  # back to both
    # Legal answers first this time: delivery's branch must not carry legal's old "no" into the join.
    library.task(project, "legal_review", "legal", {"legal_approved": True})
    library.task(project, "delivery_review", "delivery", {"delivery_approved": True})
    assert instance(services, project).stage == "Handover"
    assert [e.element_id for e in events(services, "task_opened", project)].count("legal_review") == 2


def test_a_rejection_without_reasons_is_refused(services, library):
    import pytest

    from service.flows.errors import FormInvalid

    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-9", "contract_amount": 800000, "terms": "net 30", "invoice_type": "vat_general"})
    with pytest.raises(FormInvalid) as refused:
        library.task(project, "legal_review", "legal", {"legal_approved": False})
    assert refused.value.errors == {
        "legal_reasons": ["Reasons or required changes is required because you chose “Request changes”"]}
