"""`handoff demo` seeds a dozen projects over the eight stages: overdue, frozen, accepted-not-invoiced."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from service.clock import utcnow
from service.demo import seed_people
from service.demo_projects import PROJECTS, seed_projects
from service.store.models import Instance, Task
from tests.support import deploy_library


def test_demo_projects_cover_every_stage_with_overdue_frozen_and_not_invoiced(services):
    deploy_library(services)
    with services.sessions() as session:
        seed_people(session)
        session.commit()
    assert seed_projects(services) == len(PROJECTS) == 12
    assert seed_projects(services) == 0  # idempotent
    with services.sessions() as session:
        projects = list(session.scalars(select(Instance).where(Instance.process_id == "project_lifecycle")))
        overdue = session.scalar(select(func.count()).select_from(Task).where(
            Task.status == "open", Task.due_at < utcnow()))
    stages = {p.stage for p in projects}
    assert stages == {"Opportunity", "Contract co-signing", "Handover", "Implementation", "UAT complete",
                      "Customer acceptance", "Invoicing", "Payment received"}
    assert [p.frozen_reason.split(":")[0] for p in projects if p.frozen] == [
        "knowledge-base version of Campus"]
    assert overdue >= 6
    not_invoiced = [p for p in projects if p.stage == "Invoicing" and p.stage_entered_at < utcnow() - timedelta(days=7)]
    assert len(not_invoiced) == 1 and not_invoiced[0].project_status == "awaiting payment"


def test_the_demo_front_page_lists_the_seeded_projects_by_stage(services):
    from service.app import create_app

    deploy_library(services)
    with services.sessions() as session:
        seed_people(session)
        session.commit()
    seed_projects(services)
    page = create_app(services.config, services).test_client().get("/").get_data(as_text=True)
    assert page.count("<tr><td>") == 12
    assert page.index("Opportunity") < page.index("Handover") < page.index("Payment received")
    assert "frozen" in page and "ACME Education" in page
