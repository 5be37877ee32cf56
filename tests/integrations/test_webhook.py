"""Signed webhooks: a real HTTP receiver checks the signature; failures are retried, never sent twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.flows import outbox
from service.jobs.sweeper import sweep
from service.store.models import Group, Membership, Outbox
from tests.support import inbox, run_jobs, wait_until

from .conftest import BASE_URL, accept_project

T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
ACCEPTED = "Accepted: invoice ACME Education, contract C-2026-001"


def _rows(services, channel: str) -> list[Outbox]:
    with services.sessions() as session:
        return list(session.scalars(select(Outbox).where(Outbox.channel == channel).order_by(Outbox.id)))


def _join_finance(services, user_id: int) -> None:
    with services.sessions() as session:
        finance = session.scalars(select(Group).where(Group.name == "finance")).one()
        session.add(Membership(user_id=user_id, group_id=finance.id))
        session.commit()


def test_the_finance_chat_gets_one_signed_post_per_event_however_many_members_are_told(services, library, chat):
    _join_finance(services, library.people["admin"])
    with freeze_time(T0):
        project = accept_project(library)
        run_jobs(services)
    [post] = chat.requests
    [row] = _rows(services, "webhook")
    assert post.signature_valid and post.headers["x-handoff-timestamp"] == str(int(T0.timestamp()))
    assert post.headers["idempotency-key"] == post.headers["x-handoff-delivery"] == str(row.id)
    assert post.headers["content-type"] == "application/json"
    message = post.json
    assert (message["subject"], message["event"], message["delivery_id"]) == (ACCEPTED, "notify", row.id)
    assert message["link"] == f"{BASE_URL}/instances/{project}" and message["text"] == f"{ACCEPTED}\n{message['link']}"
    assert message["body"]["contract_number"] == "C-2026-001" and message["body"]["amount"] == 800000
    assert (row.status, row.attempts, row.recipient_id) == ("sent", 1, None)
    for member in ("finance", "admin"):  # each member still has it in the inbox
        assert [m.subject for m in inbox(services, library.people[member])] == [ACCEPTED]


def test_a_receiver_that_fails_first_gets_the_same_delivery_on_the_retry(services, library, chat):
    chat.script = [503]
    with freeze_time(T0) as clock:
        accept_project(library)
        run_jobs(services)
        [row] = _rows(services, "webhook")
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, T0 + outbox.BASE_BACKOFF)
        assert row.last_error.startswith("WebhookFailed: HTTP 503 from 127.0.0.1:")
        clock.move_to(row.next_attempt_at - timedelta(seconds=1))
        run_jobs(services)
        assert len(chat.requests) == 1  # not before its time
        clock.move_to(row.next_attempt_at + timedelta(seconds=1))
        run_jobs(services)
    [row] = _rows(services, "webhook")
    assert (row.status, row.attempts) == ("sent", 2)
    first, second = chat.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == str(row.id)
    assert first.signature_valid and second.signature_valid and first.body == second.body


def test_a_receiver_that_always_fails_ends_failed_without_holding_up_the_others(services, library, broken, smtp):
    with freeze_time(T0) as clock:
        library.won_project()
        clock.move_to(T0 + timedelta(hours=24, seconds=1))  # the rep and the manager are reminded
        run_jobs(services)
        others = _rows(services, "inapp") + _rows(services, "email")
        assert {(r.channel, r.status) for r in others} == {("inapp", "sent"), ("email", "sent")}
        for _ in range(outbox.MAX_ATTEMPTS + 2):
            clock.tick(timedelta(hours=1))
            run_jobs(services)
    [row] = _rows(services, "webhook")
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", outbox.MAX_ATTEMPTS, None)
    assert row.last_error.startswith("WebhookFailed: HTTP 500 from 127.0.0.1:")
    assert len(broken.requests) == outbox.MAX_ATTEMPTS and all(r.signature_valid for r in broken.requests)
    assert len(smtp.messages) == 1 and len(inbox(services, library.people["sales_mgr"])) == 1


def test_two_jobs_delivering_the_same_row_at_once_send_it_once(services, library, chat):
    accept_project(library)  # rows are queued; no worker runs here, the two "jobs" are the two calls below
    [row] = _rows(services, "webhook")
    chat.hold()
    first = {}
    worker = threading.Thread(target=lambda: first.setdefault("outcome", outbox.deliver(services, row.id).outcome))
    worker.start()
    wait_until(chat.arrived.is_set)  # the first job is inside its POST
    assert outbox.deliver(services, row.id).outcome == "skipped"
    assert _rows(services, "webhook")[0].status == "sending"
    chat.release()
    worker.join(timeout=30)
    assert (first["outcome"], len(chat.requests)) == ("sent", 1)
    assert (_rows(services, "webhook")[0].status, _rows(services, "webhook")[0].attempts) == ("sent", 1)


def test_a_worker_dying_between_send_and_record_leaves_a_retry_after_the_lease_with_the_same_id(
        services, library, chat, monkeypatch):
    with freeze_time(T0) as clock:
        accept_project(library)
        [row] = _rows(services, "webhook")

        def die(*args, **kwargs):
            raise SystemExit("worker killed")

        with monkeypatch.context() as patched:
            patched.setattr(outbox, "_record", die)
            with pytest.raises(SystemExit):
                outbox.deliver(services, row.id)
        assert (_rows(services, "webhook")[0].status, len(chat.requests)) == ("sending", 1)
        run_jobs(services)  # its queued job (and everything else) runs: the lease still holds it
        assert (_rows(services, "webhook")[0].status, len(chat.requests)) == ("sending", 1)
        assert sweep(services).redelivered == 0
        clock.move_to(T0 + outbox.LEASE + timedelta(seconds=31))
        assert sweep(services).redelivered == 1  # the sweeper notices the lease ran out
        run_jobs(services)
    [row] = _rows(services, "webhook")
    assert (row.status, row.attempts) == ("sent", 2)
    assert [r.headers["idempotency-key"] for r in chat.requests] == [str(row.id)] * 2  # the receiver can drop it
