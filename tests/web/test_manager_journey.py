"""A manager sees an overdue review and its escalation on the dashboard once the clock has moved (R9, R10)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from service.clock import utcnow
from service.flows import instances
from tests.support import run_jobs, task_by_element


def test_the_head_of_delivery_sees_the_escalation_after_24_hours(person, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-5", "contract_amount": 500000, "terms": "net 30", "invoice_type": "receipt"})
    review = task_by_element(services, project, "delivery_review")
    instances.claim_task(services, review.id, library.people["delivery"])

    head = person("delivery_head")
    page = head.open("/dashboard")
    assert "Nothing overdue below you" in page.inner_text("#my-tree")
    assert page.locator("#escalations tr.escalation").count() == 0

    with freeze_time(review.due_at + timedelta(seconds=1)):
        run_jobs(services)  # the RQ worker fires the 24 h escalation timer
        head.login()  # a day later the 12 h session has expired: the manager logs in again
        page = head.open("/dashboard")
        overdue = page.locator("#my-tree tr.overdue")
        assert overdue.count() == 1 and "Dana Kim" in overdue.inner_text()
        escalation = page.locator("#escalations tr.escalation")
        assert escalation.count() == 1
        assert "Delivery review" in escalation.inner_text() and f"#{project}" in escalation.inner_text()
        assert page.inner_text("#unread-count") != "0"  # the escalation is in the inbox too
        head.shot("escalated")

        overdue.locator("a").first.click()  # the manager takes the overdue review over (R9)
        page.select_option("#reassign-to", label="Diego Alvarez (Head of delivery)")
        page.click("#reassign-button")
        page.wait_for_selector("text=assigned to Diego Alvarez (Head of delivery)")
        assert task_by_element(services, project, "delivery_review").assignee_id == library.people["delivery_head"]

        page = head.open("/inbox")
        page.click("#messages a:has-text('24 hours overdue')")  # the message opens the task it is about
        page.wait_for_url(f"**/tasks/{review.id}")
        page = head.open(f"/instances/{project}")
        page.wait_for_selector("#diagram[data-marked]")
        assert "delivery_review" in page.get_attribute("#diagram", "data-marked").split('"overdue"')[1]
    assert utcnow() < review.due_at  # outside the frozen block the clock is real again
