"""An admin finds an incident on the Operations page, corrects the data, retries, and the instance runs on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from service.flows import instances
from service.flows.deploy import deploy
from tests.api.test_incidents import CHECK, END, ENTER, HOUR, PRICE
from tests.modeler import FORM, FORM_KEY, chain
from tests.support import instance, open_elements, run_jobs
from tests.web.conftest import claim

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_an_admin_retries_an_incident_after_correcting_the_data(person, services):
    text = chain("priced", ['<bpmn:startEvent id="StartEvent_1"/>', HOUR, PRICE, CHECK, END], lane="sales")
    deploy(services, {"bpmn/priced.bpmn": text, f"forms/{FORM_KEY}": FORM}, "tests")
    with freeze_time(T0) as clock:
        started = instances.start_process(services, "priced", {"note": "10"})
        clock.move_to(T0 + timedelta(hours=1, seconds=1))
        run_jobs(services)
        admin = person("admin")
        page = admin.open("/operations")
        row = page.locator("#incidents tr[data-incident]")
        assert row.count() == 1
        assert "Price it" in row.inner_text() and "'rate' is not defined" in row.inner_text()
        row.locator("summary").click()
        row.locator("button[data-do=retry]").click()  # no reason yet: said in words, nothing sent
        assert "Say why first" in page.inner_text("#notice")
        row.locator(".reason").fill("the rate was missing")
        row.locator(".data").fill("rate = 4")
        admin.shot("before-retry")
        row.locator("button[data-do=retry]").click()
        page.wait_for_url("**/operations?status=resolved*")
        assert "the rate was missing" in page.inner_text("#incidents")
    running = instance(services, started.instance_id)
    assert running.status == "running" and running.data["total"] == 40
    assert open_elements(services, running.id) == ["Activity_0check1"]


def test_a_person_whose_completion_stopped_the_process_is_told_on_the_task_page(person, services):
    text = chain("entered", ['<bpmn:startEvent id="StartEvent_1"/>', ENTER, PRICE, CHECK, END], lane="sales")
    required = FORM.replace('"type": "object",', '"type": "object", "required": ["note"],')
    deploy(services, {"bpmn/entered.bpmn": text, f"forms/{FORM_KEY}": required}, "tests")
    rep = person("rep")
    started = instances.start_process(services, "entered", {})
    page = claim(rep, "Enter the note")
    page.fill("[name='root[note]']", "7")
    page.click("#submit")
    page.wait_for_selector("#notice.bad:has-text('Your answers were saved, but the process stopped at Price it')")
    assert page.is_disabled("#submit") and "/tasks/" in page.url  # not sent away as if it were done
    rep.shot("stopped")
    assert instance(services, started.instance_id).status == "error"
