"""Dashboards (R10), computed only from process state and the append-only log.

Every figure carries the ids behind it, so a manager can open the projects a number counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store import queries
from service.store.models import AuditEvent, Customer, Instance, Task

from . import org, visibility

FINANCE_GROUP = "finance"


def N_(msgid: str) -> str:
    """Marks a word for the catalogs (`tools/i18n.py extract`) and keeps it English: pages translate it."""
    return msgid


# The stages as the lifecycle diagram names them (stored on instances in English); pages show their words.
STAGES = [N_("Opportunity"), N_("Contract co-signing"), N_("Handover"), N_("Implementation"), N_("UAT complete"),
          N_("Customer acceptance"), N_("Invoicing"), N_("Payment received")]


ON_THE_BOARD = ("running", "error", "suspended")  # cancelled and completed projects leave the board
OVERVIEW_GROUPS = ("finance", "executives", "admins")  # see every project's figures without managing anyone


def may_see_overview(session: Session, user_id: int, groups: list[str] | None = None) -> bool:
    """The stage board, the money waiting and the quality figures show every project and every rep:
    for finance, executives and admins, and for people who manage someone (R10). `groups`: the
    viewer's groups, if the caller has them already."""
    mine = groups if groups is not None else visibility.groups_of(session, user_id)
    return bool(set(OVERVIEW_GROUPS).intersection(mine)) or bool(org.reporting_tree(session, user_id))


def stage_board(session: Session, now: datetime) -> list[dict]:
    """R1.2: per stage, its running projects, time in stage, and red when work is overdue or a freeze timed out."""
    red_flags = {e.data.get("project_id") for e in session.scalars(
        select(AuditEvent).where(AuditEvent.kind == "freeze_timeout"))}
    overdue = set(session.scalars(select(Task.instance_id).where(Task.status == "open", Task.due_at < now)))
    rows = session.execute(select(Instance, Customer.name).outerjoin(Customer, Customer.id == Instance.customer_id)
                           .where(Instance.stage.is_not(None), Instance.status.in_(ON_THE_BOARD)))
    board = {stage: [] for stage in STAGES}
    for instance, customer in rows:
        if instance.stage not in board:
            continue
        board[instance.stage].append({
            "id": instance.id, "customer": customer or instance.data.get("customer"),
            "hours_in_stage": round((now - instance.stage_entered_at).total_seconds() / 3600, 1),
            "red": instance.id in overdue or instance.id in red_flags, "frozen": instance.frozen,
            "status": instance.status,
            "overdue_tasks": instance.id in overdue, "freeze_timed_out": instance.id in red_flags})
    return [{"stage": stage, "projects": sorted(board[stage], key=lambda p: -p["hours_in_stage"])}
            for stage in STAGES]


def manager_view(session: Session, manager_id: int, now: datetime, since: datetime) -> dict:
    """R9: overdue tasks and escalations of the manager's whole reporting tree."""
    people = org.reporting_tree(session, manager_id) | {manager_id}
    return {"overdue_tasks": queries.overdue_tasks(session, people, now),
            "escalations": queries.escalations_for(session, people, since)}


def accepted_not_invoiced(session: Session, now: datetime, days: int = 7) -> list[dict]:
    """R6: accepted more than `days` ago and not invoiced, with the acceptance document, terms and finance contact."""
    listed = []
    for instance in queries.accepted_not_invoiced(session, now, days):
        invoicing = session.scalars(select(Task).where(Task.instance_id == instance.id,
                                                       Task.candidate_group == FINANCE_GROUP)
                                    .order_by(Task.id.desc())).first()
        listed.append({
            "id": instance.id, "customer": instance.data.get("customer"),
            "accepted_days_ago": (now - instance.stage_entered_at) // timedelta(days=1),
            "acceptance_document": instance.data.get("acceptance_document"),
            "contract_number": instance.data.get("contract_number"), "terms": instance.data.get("terms"),
            "amount": instance.data.get("contract_amount"),
            "finance_contact": invoicing.assignee_id if invoicing else None, "finance_task": invoicing.id
            if invoicing else None})
    return listed
