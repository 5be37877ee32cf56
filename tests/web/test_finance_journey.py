"""Delivery uploads the signed acceptance; a week later finance finds it unbilled, invoices, confirms payment (R6)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

from service.clock import utcnow
from tests.support import instance, run_jobs
from tests.web.conftest import claim

SIGNED = b"%PDF-1.4 signed acceptance of ACME Education"


def test_finance_sees_the_acceptance_and_confirms_payment(person, library, services, tmp_path: Path):
    project = library.to_acceptance()

    delivery = person("delivery")
    page = claim(delivery, "Upload the customer's signed acceptance")
    scan = tmp_path / "acceptance-acme.pdf"
    scan.write_bytes(SIGNED)
    page.set_input_files("input[data-document-field='acceptance_document']", str(scan))
    page.wait_for_selector("[data-schemapath='root.acceptance_document'] a[data-document]"
                           ":has-text('acceptance-acme.pdf')")
    page.fill("[name='root[accepted_on]']", utcnow().date().isoformat())
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")
    assert instance(services, project).project_status == "awaiting payment"

    with freeze_time(utcnow() + timedelta(days=8)):
        run_jobs(services)
        finance = person("finance")
        page = finance.open("/dashboard")
        row = page.locator("#not-invoiced tr.overdue")
        assert row.count() == 1 and "8 days ago" in row.inner_text() and "C-2026-001" in row.inner_text()
        with page.expect_download() as download:
            row.locator("a:has-text('acceptance document')").click()
        assert Path(download.value.path()).read_bytes() == SIGNED
        finance.shot("not-invoiced")

        page = claim(finance, "Issue the invoice")
        page.fill("[name='root[invoice_number]']", "INV-2026-0042")
        page.fill("[name='root[invoiced_amount]']", "800000")
        page.click("#submit")
        page.wait_for_url("**/tasks?done=*")

        page = claim(finance, "Confirm the bank receipt")
        page.fill("[name='root[received_amount]']", "800000")
        page.fill("[name='root[received_on]']", utcnow().date().isoformat())
        page.click("#submit")
        page.wait_for_url("**/tasks?done=*")

        page = finance.open(f"/instances/{project}")
        assert "Stage Payment received" in page.inner_text("main")
        assert "Nothing waits in your groups now." in finance.open("/tasks").inner_text("main")
