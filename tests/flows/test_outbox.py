"""Outbox rows are written with the step that caused them and delivered once, with retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from service.flows import instances
from service.flows.outbox import MAX_ATTEMPTS, deliver
from service.store.models import Message, Outbox
from tests.support import count, deploy_fixtures, inbox, run_jobs, seed

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class FlakyChannel:
    """Fails the first `failures` sends, like an SMTP server that is briefly down."""

    def __init__(self, failures: int):
        self.failures, self.sent = failures, []

    def send(self, session, row):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("receiver unavailable")
        self.sent.append(row.id)


def _remind(services, clock):
    deploy_fixtures(services)
    people = seed(services)
    instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    clock.move_to(T0 + timedelta(hours=24, seconds=1))
    return people


def test_a_reminder_reaches_the_inbox_exactly_once_even_if_delivered_twice(services):
    with freeze_time(T0) as clock:
        people = _remind(services, clock)
        run_jobs(services)
        with services.sessions() as session:
            row_id = session.query(Outbox.id).scalar()
        assert deliver(services, row_id).outcome == "skipped"  # a duplicate delivery job
        assert len(inbox(services, people["rep"])) == 1
        assert count(services, Message) == 1


def test_a_failing_channel_is_retried_with_backoff_and_then_delivers(services):
    flaky = FlakyChannel(failures=2)
    services.channels["inapp"] = flaky
    with freeze_time(T0) as clock:
        _remind(services, clock)
        run_jobs(services)
        with services.sessions() as session:
            row = session.query(Outbox).one()
        assert (row.status, row.attempts, row.last_error) == ("pending", 1,
                                                             "ConnectionError: receiver unavailable")
        first_retry = row.next_attempt_at
        clock.move_to(first_retry + timedelta(seconds=1))
        run_jobs(services)
        with services.sessions() as session:
            row = session.query(Outbox).one()
        assert row.attempts == 2 and row.next_attempt_at - first_retry >= timedelta(seconds=9)
        clock.move_to(row.next_attempt_at + timedelta(seconds=1))
        run_jobs(services)
        with services.sessions() as session:
            row = session.query(Outbox).one()
        assert (row.status, row.attempts, flaky.sent) == ("sent", 3, [row.id])


def test_a_channel_that_never_works_ends_failed_with_its_error(services):
    services.channels["inapp"] = FlakyChannel(failures=100)
    with freeze_time(T0) as clock:
        _remind(services, clock)
        for _ in range(MAX_ATTEMPTS + 2):
            run_jobs(services)
            clock.tick(timedelta(hours=1))
        with services.sessions() as session:
            row = session.query(Outbox).order_by(Outbox.id).first()
        assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
