"""A Chinese-speaking rep and manager on their phones (issue 12's "done when"): every page they pass reads in
Chinese, fits a 390 px screen, and the rep starts a project and signs the handover; the manager sees the
escalation the clock brings, in Chinese, and its message in the inbox.

Screenshots: test-artifacts/screenshots/<database>/<test>/ (phone size, device scale 2).
"""

from __future__ import annotations

import html
import os
from datetime import timedelta

import pytest
from freezegun import freeze_time

from service.demo import PEOPLE
from service.flows import instances
from tests.support import instance, open_tasks, run_jobs, task_by_element
from tests.web.conftest import ARTIFACTS, PASSWORD, watch_csp
from tests.web.untranslated import english_words

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# What a person can read: the rendered text, and the tooltips, placeholders and labels of what is on screen.
VISIBLE_WORDS = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll("[title], [placeholder], [aria-label]")) {
    if (el.getClientRects().length) parts.push(el.title || "", el.placeholder || "", el.ariaLabel || "");
  }
  return parts.join("\\n");
}"""


class Phone:
    """One person's phone browser, in Chinese: the browser asks for zh-CN, as a phone set to Chinese does."""

    def __init__(self, browser, base: str, username: str, shots):
        self.context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                           locale="zh-CN", timezone_id="Asia/Shanghai")
        self.page = self.context.new_page()
        self.base, self.username, self.shots = base, username, shots
        self.errors: list[str] = []
        self.csp: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        watch_csp(self.page, self.csp)
        self.page.set_default_timeout(15000)

    def login(self) -> Phone:
        page = self.page
        page.goto(f"{self.base}/login")
        assert page.inner_text("h1") == "登录"
        page.fill("input[name=username]", self.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{self.base}/tasks")
        return self

    def open(self, path: str):
        self.page.goto(f"{self.base}{path}")
        return self.page

    def check(self, name: str, data: tuple[str, ...] = ()) -> None:
        """What a person on this page would notice: English words left, or a page wider than the phone."""
        page = self.page
        page.wait_for_load_state("networkidle")
        self.shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.shots / f"{self.username}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a 390 px phone"
        left = english_words(html.escape(page.evaluate(VISIBLE_WORDS)), data)
        assert not left, f"{name}: English left on the page: {left}"


@pytest.fixture
def phone(browser, live_server, request):
    backend = os.environ.get("HANDOFF_TEST_DB", "sqlite")
    shots = ARTIFACTS / backend / request.node.name
    phones: list[Phone] = []

    def open_as(username: str) -> Phone:
        phones.append(Phone(browser, live_server, username, shots))
        return phones[-1].login()

    yield open_as
    for someone in phones:
        someone.context.close()
    assert not [e for p in phones for e in p.errors], "JavaScript errors on the pages"
    assert not [v for p in phones for v in p.csp], "the Content-Security-Policy refused something"


# What the pages show that is data, typed by people (the test's own library is English): names, customers, values.
# Everything else, process content included (task names, forms, the diagram's words), must read in Chinese.
DATA = ("ACME Education", "Li Wei", "Enterprise", "V3.2-202601", "security module", "C-2026-001", "SSO", "LDAP",
        *(name for _username, name, *_ in PEOPLE), *(username for username, *_ in PEOPLE),
        "slow incident response", "missed training date",  # the customer's service history
        "Powered by bpmn.io")  # the diagram's watermark, which bpmn-js's license asks to keep


def test_a_chinese_rep_starts_a_project_and_signs_the_handover_on_a_phone(phone, library, services):
    rep = phone("rep")
    rep.check("tasks", DATA)
    page = rep.open("/start")
    rep.check("start-list", DATA)
    page.click("#may-start li[data-process=project_lifecycle] a")
    page.wait_for_selector("#start-form[data-ready=yes]")
    page.select_option("[name='root[customer_id]']", label="ACME Education")
    rep.check("start-form", DATA)
    page.click("#submit")
    page.wait_for_url("**/instances/*?started=1")
    project = int(page.url.split("/instances/")[1].split("?")[0])
    page.wait_for_selector("#diagram[data-marked]")
    rep.check("project", DATA + (f"#{project}",))

    opportunity = task_by_element(services, project, "opportunity")
    page = rep.open(f"/tasks/{opportunity.id}")
    page.wait_for_selector("#task-form[data-ready=yes]")
    for name, value in {"root[contract_value]": "800000", "root[decision_makers][0][name]": "Li Wei",
                        "root[decision_makers][0][role]": "principal", "root[product]": "Enterprise",
                        "root[kb_version]": "V3.2-202601 security module"}.items():
        page.fill(f"[name='{name}']", value)
    rep.check("opportunity", DATA + ("principal",))
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")
    assert "您已完成“填写赢单商机”" in page.inner_text("#done")

    library.cosign(project)
    library.task(project, "core_requirements", "rep", {"requirements": {
        "items": [{"requirement": "SSO", "priority": "must"}], "contact_name": "Li Wei",
        "contact_phone": "+86 10 5555 0101"}})
    library.task(project, "confirmed_risks", "rep", {"risks": [{"risk": "API access"}]})
    library.task(project, "open_items_step", "rep", {"open_items": [{"item": "deployment"}]})
    sign = task_by_element(services, project, "sales_signs")
    page = rep.open(f"/tasks/{sign.id}")
    page.wait_for_selector("#task-form[data-ready=yes]")
    page.check("[name='root[sales_confirms]']")
    rep.check("sign-handover", DATA + ("API access", "deployment", "+86 10 5555 0101"))
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")
    assert [t.element_id for t in open_tasks(services, project)] == ["delivery_signs"]
    assert instance(services, project).data.get("sales_confirms") is True
    page = rep.open("/inbox")
    rep.check("inbox", DATA)


def test_a_chinese_manager_sees_the_escalation_on_a_phone(phone, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-5", "contract_amount": 500000, "terms": "net 30", "invoice_type": "receipt"})
    review = task_by_element(services, project, "delivery_review")
    instances.claim_task(services, review.id, library.people["delivery"])
    head = phone("delivery_head")
    head.open("/dashboard")
    head.check("dashboard-quiet", DATA)
    with freeze_time(review.due_at + timedelta(seconds=1)):
        run_jobs(services)
        head.login()
        page = head.open("/dashboard")
        assert page.locator("#escalations tr.escalation").count() == 1
        head.check("dashboard-escalated", DATA + (f"#{project}", "C-5"))
        page = head.open("/inbox")
        head.check("inbox", DATA + (f"#{project}",))
        assert page.locator("#messages a").count() >= 1
