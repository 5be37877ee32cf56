"""A Chinese-speaking rep, delivery manager, legal, finance, product owner, manager and admin read every page of
their daily work in Chinese: no English word of the page's own is left (tests/web/untranslated.py), with real
projects moved through the flows, an overdue task, an escalation, a frozen project, signatures and answers.

The data a person typed or a designer wrote (names, customer, contract facts, task and diagram names, form
titles) is taken out first: the process lane translates process content; these pages translate their own words.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import freezegun
import pytest
from sqlalchemy import select

from service.app import create_app
from service.clock import utcnow
from service.demo import GROUPS, PEOPLE
from service.store.models import AuditEvent, Document, Instance, Message, ProcessVersion, Task
from service.web.formatting import plain_name
from service.web.timeline import SENTENCES
from service.web.words import humanize
from tests.process.test_r4_kb_version import NEW_VERSION, publish, to_implementation
from tests.support import REPO, run_jobs, task_by_element
from tests.web.conftest import PASSWORD
from tests.web.untranslated import english_words, readable_text

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
KINDS = {kind.partition(":")[0] for kind in SENTENCES}


@pytest.fixture
def app(services, library):
    return create_app(services.config, services)


def _strings(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for part in value.values():
            _strings(part, found)
    elif isinstance(value, list):
        for part in value:
            _strings(part, found)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        found.add(str(value))


def data_words(services) -> set[str]:
    """What the pages show that is data: people, customers, the stored facts, the designers' words."""
    found: set[str] = {name for _u, name, *_ in PEOPLE} | {username for username, *_ in PEOPLE}
    found |= set(GROUPS.values()) | {"ACME Education", "Li Wei"}
    for path in (REPO / "forms").rglob("*.json"):
        titles: set[str] = set()
        _strings(json.loads(path.read_text(encoding="utf-8")), titles)
        found |= titles | {title.lower() for title in titles}  # "Release and set <title, lower case> to …"
    for path in (REPO / "bpmn").glob("*.bpmn"):
        found |= {e.get("name") for e in ET.parse(path).iter() if e.get("name")}
    with services.sessions() as session:
        for data, frozen_reason, stage in session.execute(select(Instance.data, Instance.frozen_reason,
                                                                 Instance.stage)):
            _strings(data, found)
            found |= {frozen_reason or "", stage or ""} | {humanize(key) for key in data}  # the process's own keys
        for kind, data in session.execute(select(AuditEvent.kind, AuditEvent.data)):
            _strings(data, found)
            if kind not in KINDS:
                found.add(humanize(kind))  # a kind a diagram chose (a `record` task): its designer's words
        names = set(session.scalars(select(ProcessVersion.name)))
        found |= names | {plain_name(name) for name in names}
        found |= set(session.scalars(select(Document.filename)))
        found |= set(session.scalars(select(Message.subject)))  # rendered by the sender, in its recipient's words
        found |= set(session.scalars(select(Task.name)))
    return {value for value in found if value}


def chinese(app, username: str):
    """A test client logged in from a Chinese browser: the person's profile language becomes zh-CN."""
    client = app.test_client()
    page = client.get("/login", headers=ZH).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", headers=ZH, data={"csrf": csrf, "username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def check(client, path: str, words: set[str], problems: list[str], status: int = 200) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == status, (path, response.status_code)
    assert '<html lang="zh-CN">' in page
    found = english_words(page, words)
    if found:
        problems.append(f"{path}:\n    " + "\n    ".join(found))
    return page


@pytest.fixture
def projects(services, library):
    """One project past its co-signing and handover, frozen by a new knowledge-base version (R4), then a second
    one waiting in legal review for days: overdue, reminded and escalated (timers fired by real jobs)."""
    frozen = to_implementation(library)
    publish(services, NEW_VERSION)
    library.hand_over(frozen)
    late = library.won_project()
    library.describe_opportunity(late, NEW_VERSION)
    library.task(late, "submit_contract", "rep", {
        "contract_number": "C-2026-002", "contract_amount": 500000, "terms": "50% on signing",
        "invoice_type": "vat_special"})
    run_jobs(services)
    return {"frozen": frozen, "late": late}


def test_every_page_of_the_daily_work_reads_in_chinese(app, services, library, projects):
    problems: list[str] = []
    with freezegun.freeze_time(utcnow() + timedelta(days=6)):
        run_jobs(services)  # reminders and escalations of the overdue reviews
        words = data_words(services)
        frozen, late = projects["frozen"], projects["late"]
        with services.sessions() as session:
            done = session.scalar(select(Task.id).where(Task.element_id == "legal_review", Task.status == "completed"))
            tasks_open = list(session.scalars(select(Task.id).where(Task.status == "open")))
        review = task_by_element(services, late, "legal_review")

        rep = chinese(app, "rep")
        for path in ("/tasks", "/tasks/done", "/start", "/start/project_lifecycle", "/start/handover_package",
                     "/projects", f"/instances/{frozen}", f"/instances/{frozen}/signatures",
                     f"/instances/{late}", "/inbox", f"/tasks/{review.id}", "/tasks/done?page=2"):
            check(rep, path, words, problems)
        check(rep, "/tasks/999999", words, problems, status=404)
        check(rep, "/instances/999999", words, problems, status=404)

        legal = chinese(app, "legal")
        tasks = check(legal, "/tasks", words, problems)
        assert "认领" in tasks and "已逾期" in tasks  # the late review waits in legal's group, overdue
        check(legal, f"/tasks/{review.id}", words, problems)
        answers = check(legal, f"/tasks/{done}", words, problems)
        assert "已提交的内容" in answers and "只读" in answers
        check(legal, "/tasks/done", words, problems)
        refused = check(legal, "/start/project_lifecycle", words, problems)  # legal may not start a project
        assert "只有<b>" in refused

        product = chinese(app, "product")
        waiting = check(product, "/tasks", words, problems)
        assert "等待您处理" in waiting and "查看并解除冻结" in waiting
        release = check(product, f"/instances/{frozen}", words, problems)
        assert "按原样解除冻结" in release

        seen: list[str] = []
        for username in ("delivery", "finance", "sales_mgr", "vp", "admin", "tech"):
            someone = chinese(app, username)
            pages = ["/tasks", "/inbox", "/projects", "/start", f"/instances/{frozen}", f"/instances/{late}"]
            for path in pages + [f"/tasks/{task}" for task in tasks_open]:  # a manager's reassign, a colleague's
                response = someone.get(path, headers={"Accept": "text/html"})
                if response.status_code == 404:
                    continue  # not a project this person takes part in (R6)
                seen.append(check(someone, path, words, problems))
        assert any('id="reassign"' in page for page in seen)  # a manager's reassign panel was read too
        assert any('id="instance-actions"' in page for page in seen)  # and the cancel / suspend panel
    assert not problems, "English left on Chinese pages:\n" + "\n".join(problems)


def test_dates_numbers_and_sentences_are_in_chinese_word_order(app, services, library, projects):
    frozen = projects["frozen"]
    rep = chinese(app, "rep")
    page = rep.get(f"/instances/{frozen}").get_data(as_text=True)
    text = readable_text(page)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d UTC", text), "a date as Chinese writes it"
    assert "Rita Patel (Sales rep) 发起了“" in text  # the timeline's sentence, names where Chinese puts them
    assert "800,000" in text  # the contract value, grouped as zh-CN groups it
    with freezegun.freeze_time(utcnow() + timedelta(days=6)):
        legal = chinese(app, "legal")
        tasks = readable_text(legal.get("/tasks").get_data(as_text=True))
        assert re.search(r"\d+天前", tasks), "how long ago, in Chinese"


def test_english_pages_read_as_before(app, services, library, projects):
    frozen = projects["frozen"]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/login", headers={"Accept-Language": "en"},
                data={"csrf": csrf, "username": "rep", "password": PASSWORD})
    text = readable_text(client.get(f"/instances/{frozen}").get_data(as_text=True))
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert "Rita Patel (Sales rep) started “" in text and "Timeline" in text and "Upcoming timers" in text
    tasks = readable_text(client.get("/tasks").get_data(as_text=True))
    assert "Assigned to me" in tasks and "Waiting in my groups" in tasks
    assert not re.search(r"[\u4e00-\u9fff]", tasks.replace("简体中文", ""))  # no Chinese on an English page


def test_a_broken_signature_says_why_in_chinese(app, services, library, projects):
    from sqlalchemy import update

    frozen = projects["frozen"]
    with services.sessions() as session:  # the risks are edited behind the process's back
        data = dict(session.get(Instance, frozen).data, risks=[{"risk": "none, really"}])
        session.execute(update(Instance).where(Instance.id == frozen).values(data=data))
        session.commit()
    rep = chinese(app, "rep")
    problems: list[str] = []
    page = check(rep, f"/instances/{frozen}/signatures", data_words(services), problems)
    assert not problems, problems
    assert "个签署中有 2 个已失效" in page and page.count("“已确认的风险”在签署后被修改") == 2


def test_a_customer_change_reads_in_chinese_in_the_inbox(app, services, library):
    from service.flows.customers import change_customer

    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)  # delivery reviewed: Dana Kim is the project's delivery manager
    change_customer(services, library.customer_id, {"budget": 950000}, library.people["rep2"])
    run_jobs(services)
    delivery = chinese(app, "delivery")
    problems: list[str] = []
    page = check(delivery, "/inbox", data_words(services), problems)
    assert not problems, problems
    change = page[page.index('class="change"'):]
    assert ">预算</td>" in change and "<del>800000</del>" in change and "标为已读" in page
