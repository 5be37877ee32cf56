"""Customer changes reach the delivery manager of every open project of that customer (R8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import Customer, Instance, Outbox, Task, User

from . import audit
from .context import Services
from .errors import Conflict, FormInvalid, NotFound
from .unit_of_work import UnitOfWork

# What sales may change here, and what delivery is told about.
WATCHED = {"budget": "Budget", "decision_makers": "Decision makers", "executive_attention": "Executive attention"}
EDITABLE = {**WATCHED, "industry": "Industry", "complaint_types": "Complaint types",
            "sla_achievement": "SLA achievement"}
DELIVERY_GROUP = "delivery"


@dataclass(frozen=True)
class CustomerChange:
    changes: list[dict[str, Any]]
    notified: list[str]
    row_version: int


def change_customer(services: Services, customer_id: int, changes: dict[str, Any], actor_id: int,
                    expected_version: int | None = None) -> CustomerChange:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise FormInvalid("unknown customer fields", {name: ["not a customer field"] for name in unknown})
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"no customer {customer_id}")
        if expected_version is not None and customer.row_version != expected_version:
            raise Conflict(f"customer {customer_id} changed (version {customer.row_version})")
        diff = [{"field": name, "label": EDITABLE[name], "before": getattr(customer, name), "after": value}
                for name, value in changes.items() if getattr(customer, name) != value]
        for change in diff:
            setattr(customer, change["field"], change["after"])
        customer.updated_at = now
        audit.record(uow.session, now, "customer_changed", actor_id=actor_id, customer_id=customer.id,
                     customer=customer.name, changes=diff)
        watched = [c for c in diff if c["field"] in WATCHED]
        notified = _tell_delivery(services, uow, customer, watched, actor_id, now) if watched else []
        uow.commit()
        return CustomerChange(diff, notified, customer.row_version)


def _tell_delivery(services: Services, uow: UnitOfWork, customer: Customer, changes: list[dict], actor_id: int,
                   now) -> list[str]:
    session, notified, rows = uow.session, [], []
    projects = session.scalars(select(Instance).where(Instance.customer_id == customer.id,
                                                      Instance.status == "running"))
    for project in projects:
        for user in delivery_managers(session, project):
            row = Outbox(created_at=now, instance_id=project.id, channel="inapp", recipient_id=user.id,
                         topic="customer_changed", next_attempt_at=now,
                         payload={"subject": f"{customer.name} changed: {', '.join(c['label'] for c in changes)}",
                                  "kind": "customer_changed", "body": {"customer": customer.name,
                                                                       "changes": changes}},
                         dedup_key=f"customer:{customer.id}:{customer.row_version}:{project.id}:{user.id}")
            session.add(row)
            rows.append(row)
            notified.append(user.username)
            audit.record(session, now, "notify", instance_id=project.id, actor_id=actor_id,
                         recipients=[user.username], subject=row.payload["subject"], changes=changes)
    if rows:
        uow.after_commit(lambda: services.outbox.dispatch([r.id for r in rows]))
    return notified


def delivery_managers(session: Session, project: Instance) -> list[User]:
    """The person who last held a delivery task of the project; nobody yet means no delivery manager yet."""
    query = (select(Task).where(Task.instance_id == project.id, Task.candidate_group == DELIVERY_GROUP)
             .order_by(Task.id.desc()))
    for task in session.scalars(query):
        holder = task.assignee_id or task.completed_by
        if holder:
            user = session.get(User, holder)
            return [user] if user is not None and user.active else []
    return []
