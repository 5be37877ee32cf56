"""E-mail over SMTP: a real server on loopback receives text and HTML with the link to the task."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from service.store.models import Outbox
from tests.support import inbox, run_jobs, task_by_element

from .conftest import BASE_URL, REP_ADDRESS

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
REMINDER = "The won opportunity ACME Education has not been described for 24 hours"


def _email_row(services) -> Outbox:
    with services.sessions() as session:
        return session.scalars(select(Outbox).where(Outbox.channel == "email")).one()


def _remind_the_rep(services, library, clock) -> int:
    """A won opportunity nobody described for 24 hours reminds its rep (and the rep's manager)."""
    project = library.won_project()
    clock.move_to(T0 + timedelta(hours=24, seconds=1))
    run_jobs(services)
    return project


def test_a_reminder_reaches_the_reps_mailbox_with_text_html_and_the_task_link(services, library, smtp):
    with freeze_time(T0) as clock:
        project = _remind_the_rep(services, library, clock)
    [mail] = smtp.messages
    link = f"{BASE_URL}/tasks/{task_by_element(services, project, 'opportunity').id}"
    assert (mail["Subject"], mail["X-Envelope-To"]) == (REMINDER, REP_ADDRESS)
    assert mail["To"].addresses[0].display_name == "Rita Patel (Sales rep)"
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert REMINDER in text and f"Open it in Handoff: {link}" in text and "Stage: Opportunity" in text
    assert f'<a href="{link}">' in html and "<h2>The won opportunity ACME Education" in html

    row = _email_row(services)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, T0 + timedelta(hours=24, seconds=1))
    assert mail["Message-ID"].startswith(f"<handoff.{row.id}.") and mail["Message-ID"].endswith("@handoff.acme.test>")
    assert [m.subject for m in inbox(services, library.people["rep"])] == [REMINDER]  # in-app as well
    assert [m.subject for m in inbox(services, library.people["sales_mgr"])] == [REMINDER]
    assert [m["X-Envelope-To"] for m in smtp.messages] == [REP_ADDRESS]  # the manager has no e-mail configured


def test_a_deferring_mail_server_gets_the_message_on_the_retry_with_the_same_message_id(services, library, smtp):
    smtp.defer_next = 1
    with freeze_time(T0) as clock:
        _remind_the_rep(services, library, clock)
        row = _email_row(services)
        assert (row.status, row.attempts, smtp.messages) == ("pending", 1, [])
        assert row.last_error.startswith("SMTPDataError: (451")
        clock.move_to(row.next_attempt_at + timedelta(seconds=1))
        run_jobs(services)
    row = _email_row(services)
    assert (row.status, row.attempts) == ("sent", 2)
    [deferred], [mail] = smtp.deferred, smtp.messages
    assert mail["Message-ID"] == deferred["Message-ID"]  # a receiver can tell the retry is the same message


def test_without_a_mail_server_the_email_fails_with_a_clear_reason_and_in_app_still_arrives(services, library):
    services.channels["email"].settings = None  # as if HANDOFF_SMTP_HOST were not set
    with freeze_time(T0) as clock:
        _remind_the_rep(services, library, clock)
    row = _email_row(services)
    assert (row.status, row.last_error) == ("pending", "LookupError: e-mail is not configured: set HANDOFF_SMTP_HOST")
    assert [m.subject for m in inbox(services, library.people["rep"])] == [REMINDER]


def test_a_server_without_starttls_is_not_sent_to_in_clear_text_when_tls_was_asked_for(services, library, smtp):
    services.channels["email"].settings = replace(services.config.smtp, tls="starttls")
    with freeze_time(T0) as clock:
        _remind_the_rep(services, library, clock)
    row = _email_row(services)
    assert (row.status, smtp.messages) == ("pending", [])
    assert row.last_error == "SMTPNotSupportedError: STARTTLS extension not supported by server."
