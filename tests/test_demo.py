"""`handoff demo` seeds a dozen projects over the eight stages: overdue, frozen, accepted-not-invoiced."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from service.clock import utcnow
from service.demo import seed_people
from service.demo_projects import PROJECTS, seed_projects
from service.store.models import Document, Instance, Task
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
    with services.sessions() as session:  # the documents the demo's forms name are their projects' (R6)
        named = {(p.id, p.data[key]) for p in projects for key in ("contract_document", "acceptance_document")
                 if p.data.get(key)}
        linked = {(d.instance_id, d.id) for d in session.scalars(select(Document).where(
            Document.id.in_([document for _, document in named])))}
    assert named and linked == named and len({d for _, d in named}) >= 10


def test_the_vp_logs_in_to_the_demo_and_sees_every_project_on_the_stage_board(services):
    import re

    from service.app import create_app
    from service.demo import DEMO_PASSWORD

    deploy_library(services)
    with services.sessions() as session:
        seed_people(session, DEMO_PASSWORD)
        session.commit()
    seed_projects(services)
    client = create_app(services.config, services).test_client()
    assert client.get("/dashboard").status_code == 302  # to the login page first
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf": csrf, "username": "vp", "password": DEMO_PASSWORD})
    page = client.get("/dashboard").get_data(as_text=True)
    board = page[page.index('id="board"'):page.index('id="not-invoiced"')]
    assert board.count('class="project') == 12
    assert board.index("Opportunity") < board.index("Handover") < board.index("Payment received")
    assert 'class="project frozen"' in board and "ACME Education" in board


def test_the_replayed_demo_history_does_not_count_as_timer_lateness(services):
    """Seeding replays weeks of past work; the reminders it left due fire then, not as 'late by days' in a worker."""
    from service.ops.shared_metrics import read_lateness
    from tests.support import events, run_jobs

    deploy_library(services)
    with services.sessions() as session:
        seed_people(session)
        session.commit()
    seed_projects(services)
    run_jobs(services)  # what the demo's worker does first: every alarm the replay set, at past times

    buckets, total_s = read_lateness(services.redis, services.config.queue_prefix)
    observed = dict(buckets)["+Inf"]
    assert total_s < 60 * max(observed, 1), f"{observed} timers observed late by {total_s:.0f} s in all"
    assert dict(buckets)["60.0"] == observed  # none later than a minute
    with services.sessions() as session:
        late = session.scalar(select(func.count()).select_from(Instance).where(
            Instance.next_wakeup_at < utcnow() - timedelta(minutes=1)))
    assert late == 0  # and nothing is left overdue for the worker to find
    assert events(services, "timer_fired")  # the history's reminders did fire (in the replay)
