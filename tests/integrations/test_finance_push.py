"""R6 finance push: after the acceptance, finance gets the data, the signed document and a PDF summary."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from pypdf import PdfReader
from sqlalchemy import select

from service.store.models import Outbox
from tests.support import run_jobs

from .conftest import accept_project

T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
SIGNED = b"%PDF-1.4 acceptance.pdf"  # what `library.document` uploads
INVOICING = {"contract_number": "C-2026-001", "amount": 800000, "invoice_type": "vat_special",
             "customer": "ACME Education"}


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _push(services) -> Outbox:
    with services.sessions() as session:
        return session.scalars(select(Outbox).where(Outbox.channel == "finance")).one()


def test_finance_receives_the_data_the_signed_document_and_a_pdf_summary_by_file_and_webhook(
        services, library, config, finance_hook):
    with freeze_time(T0):
        project = accept_project(library)
        run_jobs(services)
    push = _push(services)
    assert (push.status, push.attempts) == ("sent", 1)

    folder = config.finance_drop_dir
    manifest = json.loads((folder / f"push-{push.id:08d}.json").read_text())
    assert (manifest["instance_id"], manifest["project"]["customer"]) == (project, "ACME Education")
    assert {k: manifest["body"][k] for k in INVOICING} == INVOICING
    files = {a["role"]: folder / a["file"] for a in manifest["attachments"]}
    assert sorted(files) == ["acceptance_document", "summary"]
    assert files["acceptance_document"].read_bytes() == SIGNED
    summary = _pdf_text(files["summary"].read_bytes())
    assert "Accepted project: ACME Education" in summary and "C-2026-001" in summary and "800000" in summary

    [post] = finance_hook.requests
    assert post.signature_valid and post.headers["idempotency-key"] == str(push.id)
    sent = post.json
    assert (sent["event"], sent["instance_id"], sent["body"]["contract_number"]) == ("finance_push", project,
                                                                                    "C-2026-001")
    inline = {a["role"]: base64.b64decode(a["content_base64"]) for a in sent["attachments"]}
    assert inline["acceptance_document"] == SIGNED
    assert "Accepted project: ACME Education" in _pdf_text(inline["summary"])
    assert inline["summary"] == files["summary"].read_bytes()  # one package, both transports


def test_a_failed_finance_webhook_is_retried_and_the_file_drop_is_not_written_twice(
        services, library, config, finance_hook):
    finance_hook.script = [502]
    with freeze_time(T0) as clock:
        accept_project(library)
        run_jobs(services)
        push = _push(services)
        assert (push.status, push.attempts) == ("pending", 1) and "HTTP 502" in push.last_error
        dropped = sorted(p.name for p in config.finance_drop_dir.iterdir())
        assert len(dropped) == 3  # manifest and both attachments: the file drop went first
        stamps = {p.name: p.stat().st_mtime_ns for p in config.finance_drop_dir.iterdir()}
        clock.move_to(push.next_attempt_at + timedelta(seconds=1))
        run_jobs(services)
    assert (_push(services).status, _push(services).attempts, len(finance_hook.requests)) == ("sent", 2, 2)
    assert {p.name: p.stat().st_mtime_ns for p in config.finance_drop_dir.iterdir()} == stamps
