"""`handoff demo --locale zh-CN`: a Chinese company — the same usernames with Chinese names, mobiles and
language zh-CN, Chinese customers and project wording — replayed through the real flows like the English one."""

from __future__ import annotations

import io
import re

from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from service import cli
from service.demo import DEMO_PASSWORD, PEOPLE, seed_people
from service.demo_projects import seed_projects
from service.demo_zh import PROJECTS
from service.flows.documents import storage_path
from service.store.models import Customer, Document, Group, Instance, User
from tests.support import deploy_library

HAN = re.compile(r"[\u4e00-\u9fff]")


def _seed(services) -> int:
    deploy_library(services)
    with services.sessions() as session:
        seed_people(session, DEMO_PASSWORD, "zh-CN")
        session.commit()
    return seed_projects(services, "zh-CN")


def test_the_chinese_demo_seeds_chinese_people_customers_and_projects_through_the_flows(services):
    assert _seed(services) == len(PROJECTS) == 12
    with services.sessions() as session:
        people = {u.username: u for u in session.scalars(select(User))}
        customers = {c.name: c for c in session.scalars(select(Customer))}
        projects = list(session.scalars(select(Instance).where(Instance.process_id == "project_lifecycle")))
        groups = {g.name: g.description for g in session.scalars(select(Group))}
        paid = next(p for p in projects if p.stage == "Payment received")
        contract = session.get(Document, paid.data["contract_document"])
    assert sorted(people) == sorted(p[0] for p in PEOPLE)  # the same usernames as the English demo
    assert people["rep"].display_name == "李娜 (销售代表)" and people["sales_mgr"].display_name == "王强 (销售主管)"
    assert {u.locale for u in people.values()} == {"zh-CN"}
    assert all(re.fullmatch(r"\+861\d{10}", u.mobile) for u in people.values())
    assert all(HAN.search(u.display_name) for u in people.values())
    assert HAN.search(groups["finance"])
    assert set(customers) == {"华东教育集团", "顺达物流股份有限公司", "仁和医院", "优品零售连锁"}
    edu = customers["华东教育集团"]
    assert edu.industry == "education"  # a code: the lead table routes on it
    assert edu.decision_makers[0]["name"] == "王建国" and edu.decision_makers[0]["phone"].startswith("+86")

    stages = {p.stage for p in projects}
    assert len(stages) == 8  # all eight stages, as in the English demo
    assert [p.frozen_reason.split(":")[0] for p in projects if p.frozen] == ["knowledge-base version of 校园版"]
    assert paid.data["customer"] in customers and paid.data["terms"] == "签约付 30%，验收后付 70%"
    assert paid.data["requirements"]["contact_name"] in {"王建国", "张志强", "刘芳", "陈涛"}
    assert contract.filename.startswith("合同-")
    pdf = PdfReader(io.BytesIO(storage_path(services.config.data_dir, contract.sha256).read_bytes()))
    text = pdf.pages[0].extract_text()  # a real PDF in Chinese opens from the project's page
    assert paid.data["contract_number"] in text and "付款条件" in text and paid.data["customer"] in text


def test_the_chinese_rep_logs_in_and_sees_their_chinese_name(services):
    from service.app import create_app

    _seed(services)
    client = create_app(services.config, services).test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf": csrf, "username": "rep", "password": DEMO_PASSWORD})
    page = client.get("/tasks").get_data(as_text=True)
    assert "李娜" in page and 'lang="zh-CN"' in page  # their profile's language picks the page's


def test_the_english_demo_stays_english(services):
    deploy_library(services)
    with services.sessions() as session:
        seed_people(session)
        session.commit()
        rep = session.scalars(select(User).where(User.username == "rep")).one()
        assert (rep.display_name, rep.locale, rep.mobile) == ("Rita Patel (Sales rep)", None, None)


def test_demo_refuses_a_language_it_does_not_speak():
    result = CliRunner().invoke(cli.main, ["demo", "--locale", "fr"])
    assert result.exit_code == 2 and "--locale" in result.output and "zh-CN" in result.output
