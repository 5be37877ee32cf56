"""Each process's decisions show their facts above the form (the diagrams' ``shows``), server-rendered."""

from __future__ import annotations

import re

import pytest
from lxml import html

from service.app import create_app
from service.demo import seed_people
from service.flows import instances
from tests.library import make_library
from tests.support import task_by_element

PASSWORD = "context-test-password"


@pytest.fixture
def library(services):
    built = make_library(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    return built


def _page_as(services, username: str):
    client = create_app(services.config, services).test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"csrf": csrf, "username": username, "password": PASSWORD}).status_code == 302

    def facts(task_id: int) -> dict[str, str]:
        response = client.get(f"/tasks/{task_id}")
        assert response.status_code == 200
        found = html.fromstring(response.get_data(as_text=True)).xpath(
            "//section[@id='task-context']//dl[contains(@class, 'task-context')]")
        assert found, "no context above the form"
        titles, values = found[0].xpath("./dt"), found[0].xpath("./dd")
        return {" ".join(t.text_content().split()): " ".join(v.text_content().split())
                for t, v in zip(titles, values, strict=True)}

    return facts


def test_delivery_signs_the_handover_seeing_the_contract_and_the_service_history(library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    for element, data in [
            ("core_requirements", {"requirements": {"items": [{"requirement": "SSO"}], "contact_name": "Li Wei",
                                                    "contact_phone": "+86 10 5555 0101"}}),
            ("confirmed_risks", {"risks": [{"risk": "No API access"}]}),
            ("open_items_step", {"open_items": [{"item": "Deployment environment"}]}),
            ("sales_signs", {"sales_confirms": True})]:
        library.task(project, element, "rep", data)
    task = task_by_element(services, project, "delivery_signs")
    instances.claim_task(services, task.id, library.people["delivery"])
    facts = _page_as(services, "delivery")(task.id)
    assert facts["Contract number"] == "C-2026-001"
    history = facts["Customer's service history"]
    assert "Past complaint types slow incident response missed training date" in history
    assert "SLA achievement 92%" in history
    assert facts["Contract document"] == "not filled in yet"  # the rep attached none


def test_the_freeze_departments_and_a_lead_see_what_they_work_on(library, services):
    project = library.won_project()
    freeze = instances.start_process(services, "requirement_freeze", {
        "project_id": project, "customer": "ACME Education", "requirements_summary": "Single sign-on with LDAP"},
        actor_id=library.people["rep"]).instance_id
    task = task_by_element(services, freeze, "workload_estimate")
    facts = _page_as(services, "tech")(task.id)
    assert facts["Customer"] == "ACME Education"
    assert facts["The custom requirements being frozen"] == "Single sign-on with LDAP"

    lead = instances.start_process(services, "lead_response", {
        "company": "Westfield College", "industry": "education", "budget": 600000,
        "decision_maker_level": "principal"}).instance_id
    task = task_by_element(services, lead, "follow_up_lead")
    facts = _page_as(services, "rep")(task.id)  # the technical sales group's lead
    assert facts["Company"] == "Westfield College" and facts["Budget"] == "600,000"
    assert facts["Material"] != "not filled in yet"
