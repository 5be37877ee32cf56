"""Legal and delivery co-sign the contract, each from their own group's list (R3)."""

from __future__ import annotations

from tests.support import instance
from tests.web.conftest import claim, settle


def test_legal_and_delivery_co_sign_the_contract(person, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-2026-001", "contract_amount": 800000, "terms": "30% on signing, 70% on acceptance",
        "invoice_type": "vat_special"})

    legal = person("legal")
    page = claim(legal, "Legal review of the contract")
    page.click("#submit")  # no decision taken: an untouched form is no answer, never a silent rejection
    assert "required" in page.wait_for_selector(".field-error[data-field='legal_approved']").inner_text()
    legal.shot("refused")
    page.locator("[name='root[legal_approved]'][value=true]:visible").check()
    settle(page)
    page.fill("[name='root[supplementary_terms]']", "Liability capped at the contract value")
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")
    assert instance(services, project).stage == "Contract co-signing"  # delivery has not signed yet

    delivery = person("delivery")
    page = claim(delivery, "Delivery review")
    page.locator("[name='root[delivery_approved]'][value=true]:visible").check()
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")

    page = delivery.open(f"/instances/{project}")
    assert "Stage Handover" in page.inner_text("main")
    kinds = page.locator("#timeline tr.event").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds.count("task_completed") >= 4  # opportunity, contract, legal, delivery
    assert instance(services, project).data["supplementary_terms"] == "Liability capped at the contract value"
