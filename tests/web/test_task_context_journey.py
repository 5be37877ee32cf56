"""People see what they decide on: the facts the diagram's ``shows`` names, above the form (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

from service.clock import utcnow
from service.flows import documents
from tests.support import run_jobs
from tests.web.conftest import claim

CONTRACT = b"%PDF-1.4 contract C-2026-001 of ACME Education"
SIGNED = b"%PDF-1.4 signed acceptance of ACME Education"


def _contract(library) -> int:
    """A project whose rep submitted the contract with its document (uploaded on its own, then named)."""
    project = library.won_project()
    library.describe_opportunity(project)
    document = documents.upload(library.services, CONTRACT, "contract-C-2026-001.pdf", "application/pdf",
                                library.people["rep"]).id
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-2026-001", "contract_amount": 800000, "terms": "30% on signing, 70% on acceptance",
        "invoice_type": "vat_special", "contract_document": document})
    return project


def _facts(page) -> dict[str, str]:
    context = page.locator("#task-context")
    titles = context.locator("dl.task-context > dt").all_inner_texts()
    values = context.locator("dl.task-context > dd").all_inner_texts()
    return dict(zip(titles, (v.strip() for v in values), strict=True))


def test_legal_reviews_with_the_contract_facts_and_document_above_the_form(person, library, services):
    _contract(library)
    legal = person("legal")
    page = claim(legal, "Legal review of the contract")
    facts = _facts(page)
    assert list(facts)[:4] == ["Customer name", "Contract number", "Contract amount", "Invoice type"]
    assert facts["Contract number"] == "C-2026-001" and facts["Contract amount"] == "800,000"
    assert facts["Key terms"] == "30% on signing, 70% on acceptance"
    assert facts["Special acceptance terms"] == "not filled in yet"
    assert "contract-C-2026-001.pdf" in facts["Contract document"] and "bytes" in facts["Contract document"]
    box = page.locator("#task-context").bounding_box()
    assert box["y"] < page.locator("#task-form").bounding_box()["y"]  # above the form, read before deciding
    with page.expect_download() as download:
        page.click("#task-context a:has-text('contract-C-2026-001.pdf')")
    assert Path(download.value.path()).read_bytes() == CONTRACT
    legal.shot("legal-review-context")


def test_finance_opens_the_acceptance_document_from_the_dashboard_and_invoices_with_the_facts(
        person, library, services):
    project = library.to_acceptance()
    scan = documents.upload(services, SIGNED, "acceptance-acme.pdf", "application/pdf",
                            library.people["delivery"]).id  # through the API, attached to nothing yet
    library.task(project, "acceptance", "delivery", {"acceptance_document": scan,
                                                     "accepted_on": utcnow().date().isoformat()})
    with freeze_time(utcnow() + timedelta(days=8)):
        run_jobs(services)
        finance = person("finance")
        page = finance.open("/dashboard")
        row = page.locator("#not-invoiced tr.overdue")
        with page.expect_download() as download:
            row.locator("a:has-text('acceptance document')").click()
        assert Path(download.value.path()).read_bytes() == SIGNED
        assert "cannot be opened" not in page.inner_text("body")
        finance.shot("dashboard-acceptance-document")
        page = finance.open("/inbox")  # "Accepted: invoice …" carries the document as a link, not its id
        sent = page.locator("tr.message", has_text="Accepted: invoice").locator("[data-fact=acceptance_document]")
        assert "acceptance-acme.pdf" in sent.inner_text() and str(scan) not in sent.inner_text().split("(")[0]
        with page.expect_download() as download:
            sent.locator("a").click()
        assert Path(download.value.path()).read_bytes() == SIGNED
        finance.shot("inbox-acceptance-document")

        page = claim(finance, "Issue the invoice")
        facts = _facts(page)
        assert facts["Contract number"] == "C-2026-001" and facts["Contract amount"] == "800,000"
        assert facts["Key terms"] == "30% on signing, 70% on acceptance"
        assert facts["Invoice type"] and facts["Invoice type"] != "not filled in yet"
        assert "acceptance-acme.pdf" in facts["Signed acceptance document"]
        with page.expect_download() as download:
            page.click("#task-context a:has-text('acceptance-acme.pdf')")
        assert Path(download.value.path()).read_bytes() == SIGNED
        finance.shot("invoice-context")


def test_delivery_reads_the_customers_service_history_in_the_inbox_and_the_review(person, library, services):
    _contract(library)
    run_jobs(services)
    delivery = person("delivery")
    page = delivery.open("/inbox")
    history = page.locator("tr.message", has_text="Legal is reviewing").locator("[data-fact=service_history]")
    text = history.inner_text()
    assert "Customer's service history" in text and "Past complaint types" in text
    assert history.locator("li").all_inner_texts() == ["slow incident response", "missed training date"]
    assert "SLA achievement" in text and "92%" in text and "{" not in text
    delivery.shot("inbox-service-history")

    page = claim(delivery, "Delivery review")
    facts = _facts(page)
    assert "slow incident response" in facts["Customer's service history"]
    assert "92%" in facts["Customer's service history"]
    assert "contract-C-2026-001.pdf" in facts["Contract document"]
    delivery.shot("delivery-review-context")
