"""R6: customer acceptance triggers three effects together; accepted-not-invoiced after 7 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from service.store import queries
from service.store.models import Outbox
from tests.support import events, inbox, instance, open_elements, run_jobs, task_by_element

T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)


def test_acceptance_sets_awaiting_payment_pushes_finance_and_asks_the_rep_at_once(services, library):
    with freeze_time(T0):
        project = library.to_acceptance()
        document = library.document("delivery")
        result = library.task(project, "acceptance", "delivery", {"acceptance_document": document,
                                                                  "accepted_on": "2026-04-06"})
    row = instance(services, project)
    assert row.project_status == "awaiting payment"
    assert row.row_version == result.row_version  # one transaction: status, push and task together

    with services.sessions() as session:
        [push] = session.scalars(select(Outbox).where(Outbox.channel == "finance")).all()
    assert push.payload["body"] == {"acceptance_document": document, "contract_number": "C-2026-001",
                                    "amount": 800000, "invoice_type": "vat_special", "customer": "ACME Education"}

    letter = task_by_element(services, project, "commitment_letter")
    assert (letter.assignee_id, letter.due_at) == (library.people["rep"], T0 + timedelta(days=3))
    assert sorted(open_elements(services, project)) == ["commitment_letter", "invoicing"]

    run_jobs(services)
    [note] = [m for m in inbox(services, library.people["finance"]) if m.subject.startswith("Accepted")]
    assert note.body["body"]["acceptance_document"] == document
    kinds = [e.kind for e in events(services, "status_changed", project) + events(services, "push", project)]
    assert kinds == ["status_changed", "push"]


def test_an_acceptance_without_the_signed_document_is_refused(services, library):
    import pytest

    from service.flows.errors import FormInvalid

    project = library.to_acceptance()
    with pytest.raises(FormInvalid) as refused:
        library.task(project, "acceptance", "delivery", {"accepted_on": "2026-04-06"})
    assert refused.value.errors == {"acceptance_document": ["Signed acceptance document is required"]}
    with pytest.raises(FormInvalid) as unknown:
        library.task(project, "acceptance", "delivery", {"acceptance_document": 999, "accepted_on": "2026-04-06"})
    assert list(unknown.value.errors) == ["acceptance_document"]
    assert instance(services, project).project_status is None


def test_accepted_but_not_invoiced_for_7_days_is_listed(services, library):
    with freeze_time(T0) as clock:
        project = library.to_acceptance()
        library.accept(project, "2026-04-06")
        clock.move_to(T0 + timedelta(days=6, hours=23))
        run_jobs(services)
        assert events(services, "accepted_not_invoiced", project) == []
        clock.move_to(T0 + timedelta(days=7, seconds=1))
        run_jobs(services)
        assert len(events(services, "accepted_not_invoiced", project)) == 1
        assert task_by_element(services, project, "invoicing").status == "open"
        with services.sessions() as session:
            assert [p.id for p in queries.accepted_not_invoiced(session, T0 + timedelta(days=6))] == []
            listed = queries.accepted_not_invoiced(session, T0 + timedelta(days=7, seconds=1))
        assert [(p.id, p.customer_id) for p in listed] == [(project, library.customer_id)]


def test_the_finance_push_is_dropped_once_as_a_file_for_the_finance_system(services, library, config):
    import json

    project = library.to_acceptance()
    library.accept(project, "2026-04-06")
    run_jobs(services)
    run_jobs(services)
    [dropped] = list((config.data_dir / "finance-drop").glob("*.json"))
    content = json.loads(dropped.read_text())
    assert (content["instance_id"], content["body"]["contract_number"]) == (project, "C-2026-001")
    with services.sessions() as session:
        [push] = session.scalars(select(Outbox).where(Outbox.channel == "finance")).all()
    assert (push.status, push.attempts) == ("sent", 1)


def test_acceptance_is_all_or_nothing_when_one_effect_fails(services, library, monkeypatch):
    import pytest

    from service.flows.errors import ProcessFailed
    from service.flows.operators import OPERATORS

    project = library.to_acceptance()

    def finance_unreachable(ctx, call):
        raise ProcessFailed("finance push refused")

    monkeypatch.setitem(OPERATORS, "push", finance_unreachable)
    with pytest.raises(ProcessFailed):
        library.accept(project, "2026-04-06")
    row = instance(services, project)
    assert (row.project_status, row.stage) == (None, "Customer acceptance")
    assert open_elements(services, project) == ["acceptance"]
    with services.sessions() as session:
        assert session.scalars(select(Outbox).where(Outbox.topic.not_in(["notify", "incident"]))).all() == []


def test_a_late_payment_commitment_letter_escalates_and_payment_closes_the_project(services, library):
    with freeze_time(T0) as clock:
        project = library.to_acceptance()
        library.accept(project, "2026-04-06")
        clock.move_to(T0 + timedelta(days=3, seconds=1))
        run_jobs(services)
        late = [m for m in inbox(services, library.people["sales_mgr"]) if m.body.get("kind") == "escalate"]
        assert [m.subject for m in late] == ["Payment commitment letter of ACME Education is overdue"]
        library.task(project, "invoicing", "finance", {"invoice_number": "INV-1", "invoiced_amount": 800000})
        library.task(project, "payment", "finance", {"received_amount": 800000, "received_on": "2026-04-20"})
        assert instance(services, project).project_status == "closed"
        library.task(project, "commitment_letter", "rep", {"commitment_letter": library.document("rep", "l.pdf")})
    assert instance(services, project).status == "completed"
