"""Operations › Failed deliveries: an admin sends a failed message again and it reaches the inbox.

How a delivery comes to fail (eight refusals by a real receiver) is tested in
tests/integrations/test_resend.py; here the row is stored as it stands after that, and the page is used.
"""

from __future__ import annotations

from sqlalchemy import select

from service.clock import utcnow
from service.flows import outbox
from service.store.models import Message, Outbox
from tests.support import run_jobs


def _failed_row(services, recipient_id: int) -> int:
    with services.sessions() as session:
        row = Outbox(created_at=utcnow(), channel="inapp", recipient_id=recipient_id, topic="won_reminder",
                     payload={"subject": "Reminder: hand over ACME Education"}, dedup_key="web-test-failed-1",
                     status="failed", attempts=outbox.MAX_ATTEMPTS,
                     last_error="OperationalError: the inbox store was read-only")
        session.add(row)
        session.commit()
        return row.id


def test_an_admin_resends_a_failed_delivery_from_the_page(person, library, services):
    row_id = _failed_row(services, library.people["sales_mgr"])
    admin = person("admin")
    page = admin.open("/operations/deliveries")
    row = page.locator(f"tr.delivery[data-delivery='{row_id}']")
    assert "the inbox store was read-only" in row.inner_text() and "won reminder" in row.inner_text()
    admin.shot("failed")
    row.locator("button:has-text('Send again')").click()
    page.wait_for_selector("#notice:has-text('Queued again')")
    run_jobs(services)
    page.reload()
    assert page.locator(f"tr.delivery[data-delivery='{row_id}']").count() == 0
    assert "Nothing failed" in page.inner_text("#deliveries")
    with services.sessions() as session:
        [message] = session.scalars(select(Message).where(Message.outbox_id == row_id))
        assert message.recipient_id == library.people["sales_mgr"]

    rep = person("rep")
    refused = rep.open("/operations/deliveries")
    assert "looked after by admins" in refused.inner_text("body")
