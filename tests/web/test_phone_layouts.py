"""Every page a rep, delivery, legal, finance and a manager use, on a phone (390×844, touch): no sideways
scrolling, 44 px targets, tables as labelled cards, the submit button in reach, the camera offered for a
signed paper, the active steps listed above the diagram, pinch to zoom the diagram (issue 12)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from freezegun import freeze_time

from service.clock import utcnow
from service.flows import instances
from service.i18n import tr
from tests.support import run_jobs, task_by_element
from tests.web.phone import HEIGHT, TARGET, WIDTH, Phone, phone_context, shots_for

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.fixture
def phone(browser, live_server, request):
    """`phone("rep")`: a logged-in phone in its own browser context; JavaScript errors and CSP refusals fail."""
    contexts, people = [], []
    shots = shots_for(os.environ.get("HANDOFF_TEST_DB", "sqlite"), request.node.name)

    def open_as(username: str) -> Phone:
        contexts.append(phone_context(browser))
        people.append(Phone(contexts[-1], live_server, username, shots))
        return people[-1].login()

    yield open_as
    for context in contexts:
        context.close()
    assert not [e for p in people for e in p.errors], "JavaScript errors on the pages"
    assert not [v for p in people for v in p.csp_violations], "the Content-Security-Policy refused something"


@pytest.fixture
def projects(library, services):
    """Projects made through the flows, each waiting where a role has work: a handover to sign (rep), an
    acceptance to upload (delivery), a contract to review (legal), an invoice to issue (finance)."""
    signing = library.won_project()
    library.describe_opportunity(signing)
    library.cosign(signing)
    for element, data in (("core_requirements", {"requirements": {
            "items": [{"requirement": "SSO with the school's LDAP and a very-long-identifier-without-spaces-"
                                      "https://sso.example.edu.cn/realms/acme-education/protocol/openid-connect",
                       "priority": "must"}], "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}}),
                          ("confirmed_risks", {"risks": [{"risk": "The customer's IT refuses API access"}]}),
                          ("open_items_step", {"open_items": [{"item": "Written confirmation of the servers"}]})):
        library.task(signing, element, "rep", data)
    accepting = library.to_acceptance()
    invoicing = library.to_acceptance()
    library.accept(invoicing, utcnow().date().isoformat())
    reviewing = library.won_project()
    library.describe_opportunity(reviewing)
    library.task(reviewing, "submit_contract", "rep", {
        "contract_number": "C-7", "contract_amount": 120000, "terms": "net 30", "invoice_type": "receipt"})
    handing_over = library.won_project()
    library.describe_opportunity(handing_over)
    library.cosign(handing_over)
    return {"signing": signing, "accepting": accepting, "invoicing": invoicing, "reviewing": reviewing,
            "handing_over": handing_over}


def later(services):
    """Eight days on: due times passed, reminders and escalations sent, an acceptance not invoiced for a week."""
    frozen = freeze_time(utcnow() + timedelta(days=8))
    frozen.start()
    run_jobs(services)
    return frozen


def test_the_rep_uses_every_page_on_a_phone(phone, projects, services):
    frozen = later(services)
    try:
        rep = phone("rep")
        for path, name in (("/tasks", "tasks"), ("/tasks/done", "done"), ("/start", "start-list"),
                           ("/projects", "projects"), ("/inbox", "inbox"),
                           (f"/instances/{projects['accepting']}/signatures", "signatures")):
            rep.open(path)
            rep.look(name)
        page = rep.open("/start/project_lifecycle")
        page.wait_for_selector("#start-form[data-ready=yes]")
        rep.look("start-form")

        sign = task_by_element(services, projects["signing"], "sales_signs")
        page = rep.open(f"/tasks/{sign.id}")
        page.wait_for_selector("#task-form[data-ready=yes]")
        rep.look("handover-sign")
        submit = page.locator("#submit")
        assert "Sign and submit" in submit.inner_text()
        box = submit.bounding_box()  # at the bottom of the screen before any scrolling: in reach of a thumb
        assert box["y"] + box["height"] <= HEIGHT and box["height"] >= TARGET and box["width"] >= WIDTH / 2

        requirements = task_by_element(services, projects["handing_over"], "core_requirements")
        page = rep.open(f"/tasks/{requirements.id}")  # a form with a list: entries added by a tap
        page.wait_for_selector("#task-form[data-ready=yes]")
        page.locator("[data-schemapath='root.requirements.items'] button.json-editor-btntype-add:visible").first.tap()
        page.wait_for_selector("[name='root[requirements][items][0][requirement]']")
        rep.look("requirements-form")
        rep.part("#task-form", "requirements-form-part")

        letter = task_by_element(services, projects["invoicing"], "commitment_letter")
        page = rep.open(f"/tasks/{letter.id}")  # the customer's signed letter: a photo will do
        page.wait_for_selector("#task-form[data-ready=yes]")
        rep.look("commitment-letter")
        assert page.get_attribute("input[data-document-photo='commitment_letter']", "capture") == "environment"

        page = rep.open(f"/instances/{projects['signing']}")
        page.wait_for_selector("#diagram[data-marked]")
        rep.look("instance")
        steps = page.locator("#active-steps")
        assert steps.is_visible() and sign.name in steps.inner_text()
        assert "overdue" in steps.locator(f"li[data-task='{sign.id}']").inner_text()
        assert steps.bounding_box()["y"] < page.locator("#diagram").bounding_box()["y"]

        page = rep.open("/tasks")
        page.locator("form.language button[value='zh-CN']").tap()  # the header's switch, by thumb
        page.wait_for_selector("html[lang='zh-CN']")
        rep.look("tasks-zh")
        labels = page.locator(f"tr[data-task='{sign.id}'] td[data-label]").evaluate_all(
            "(cells) => cells.map((td) => getComputedStyle(td, '::before').content)")
        assert labels[:3] == [f'"{tr("zh-CN", w)}"' for w in ("Task", "Project", "Due")], labels  # in Chinese
    finally:
        frozen.stop()


def test_delivery_claims_and_photographs_the_acceptance_on_a_phone(phone, projects, services):
    frozen = later(services)
    try:
        delivery = phone("delivery")
        for path, name in (("/tasks/done", "done"), ("/projects", "projects"), ("/inbox", "inbox")):
            delivery.open(path)
            delivery.look(name)
        page = delivery.open("/tasks")
        delivery.look("tasks")
        acceptance = task_by_element(services, projects["accepting"], "acceptance")
        page.locator(f"tr[data-task='{acceptance.id}'] button:has-text('Claim')").tap()
        page.wait_for_selector("#task-form[data-ready=yes]")
        delivery.look("acceptance")
        chooser = page.locator("input[type=file][data-document-field='acceptance_document']")
        accept = chooser.get_attribute("accept").split(",")
        assert {"application/pdf", "image/jpeg", "image/png", ".docx"} <= set(accept)
        camera = page.locator("input[type=file][data-document-photo='acceptance_document']")
        assert camera.get_attribute("capture") == "environment" and "image/jpeg" in camera.get_attribute("accept")
        camera.set_input_files({"name": "acceptance.png", "mimeType": "image/png", "buffer": PNG})
        page.wait_for_selector(".document-current a:has-text('acceptance.png')")
        delivery.look("acceptance-photographed")
        delivery.part("#task-form", "acceptance-form")

        page = delivery.open(f"/instances/{projects['accepting']}")
        page.wait_for_selector("#diagram[data-marked]")
        delivery.look("instance")
    finally:
        frozen.stop()


def test_legal_and_finance_use_their_pages_on_a_phone(phone, projects, library, services):
    frozen = later(services)
    try:
        legal = phone("legal")
        page = legal.open("/tasks")
        legal.look("tasks")
        review = task_by_element(services, projects["reviewing"], "legal_review")
        page.locator(f"tr[data-task='{review.id}'] button:has-text('Claim')").tap()
        page.wait_for_selector("#task-form[data-ready=yes]")
        legal.look("legal-review")
        legal.part("#task-form", "legal-review-form")
        for path, name in (("/tasks/done", "done"), ("/projects", "projects"), ("/inbox", "inbox"),
                           ("/start", "start-list")):
            legal.open(path)
            legal.look(name)

        finance = phone("finance")
        invoice = task_by_element(services, projects["invoicing"], "invoicing")
        instances.claim_task(services, invoice.id, library.people["finance"])
        for path, name in (("/tasks", "tasks"), ("/projects", "projects"), ("/inbox", "inbox"),
                           (f"/instances/{projects['invoicing']}", "instance")):
            finance.open(path)
            finance.look(name)
        page = finance.open(f"/tasks/{invoice.id}")
        page.wait_for_selector("#task-form[data-ready=yes]")
        finance.look("invoice")
    finally:
        frozen.stop()


def test_the_manager_reads_the_dashboard_and_pinches_the_diagram_on_a_phone(phone, projects, services):
    frozen = later(services)
    try:
        manager = phone("sales_mgr")
        page = manager.open("/dashboard")
        page.wait_for_selector("#quality-chart")
        manager.look("dashboard")
        assert page.locator("#my-tree tr.overdue").count() >= 1  # the rep's late work is there to read
        for chart in ("#quality-chart", "#health-chart"):
            box = page.locator(chart).bounding_box()
            assert box["x"] > 0 and box["x"] + box["width"] <= WIDTH, f"{chart} is wider than the screen: {box}"
        for path, name in (("/tasks", "tasks"), ("/projects", "projects"), ("/inbox", "inbox")):
            manager.open(path)
            manager.look(name)

        page = manager.open(f"/instances/{projects['signing']}")
        page.wait_for_selector("#diagram[data-marked]")
        manager.look("instance")
        before = scale(page)
        pinch(page, "#diagram", apart_from=40, apart_to=160)
        assert scale(page) > before * 1.5, "two fingers moving apart zoom the diagram in"
        manager.shot("instance-pinched")
    finally:
        frozen.stop()


def test_an_admin_reads_failed_deliveries_on_a_phone(phone, library, services):
    from service.flows import outbox
    from service.store.models import Outbox
    with services.sessions() as session:
        session.add(Outbox(created_at=utcnow(), channel="webhook", recipient_id=library.people["rep"],
                           topic="won_reminder", payload={"subject": "Reminder"}, dedup_key="phone-failed-1",
                           status="failed", attempts=outbox.MAX_ATTEMPTS,
                           last_error="HTTP 502 from https://hooks.example.com/a/very/long/path/without-any-space-"
                                      "0123456789abcdef0123456789abcdef0123456789abcdef"))
        session.commit()
    admin = phone("admin")
    admin.open("/operations/deliveries")
    admin.look("deliveries")


def scale(page) -> float:
    """The diagram's zoom: the first number of its viewport's transform, `matrix(a 0 0 d e f)`."""
    matrix = page.get_attribute("#diagram .viewport", "transform") or "matrix(1 0 0 1 0 0)"
    return float(matrix.split("(")[1].replace(",", " ").split()[0])


def pinch(page, selector: str, apart_from: float, apart_to: float, steps: int = 6) -> None:
    """Two fingers on the element moving apart, as the phone's touch screen reports them (CDP touch events)."""
    page.locator(selector).scroll_into_view_if_needed()  # touch points are in the screen's coordinates
    box = page.locator(selector).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, apart: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": cx - apart / 2, "y": cy, "id": 1},
                                                {"x": cx + apart / 2, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", apart_from)
    for step in range(1, steps + 1):
        touch("touchMove", apart_from + (apart_to - apart_from) * step / steps)
    touch("touchEnd", apart_to)
