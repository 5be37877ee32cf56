"""Customer records: admins create and correct them; sales changes reach delivery (R8).

Every change to a customer's budget, decision makers or executive attention, by sales or by an
admin, reaches the delivery manager of every open project of that customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.i18n import N_, Text, text_json
from service.store import queries
from service.store.models import Customer, Instance, Outbox, Task, User

from . import audit
from .context import Services
from .errors import Conflict, Forbidden, FormInvalid, NotFound
from .unit_of_work import UnitOfWork

# What sales may change here, and what delivery is told about.
# Labels are English (kept so in the audit and payloads); `N_` puts them in the catalog for readers' languages.
WATCHED = {"budget": N_("Budget"), "decision_makers": N_("Decision makers"),
           "executive_attention": N_("Executive attention")}
EDITABLE = {**WATCHED, "industry": N_("Industry"), "complaint_types": N_("Complaint types"),
            "sla_achievement": N_("SLA achievement")}
# What an admin may set on a customer record (every column people keep).
RECORD = {"name": N_("Name"), **EDITABLE}
DELIVERY_GROUP = "delivery"
ADMINS = "admins"


@dataclass(frozen=True)
class CustomerChange:
    changes: list[dict[str, Any]]
    notified: list[str]
    row_version: int


def change_customer(services: Services, customer_id: int, changes: dict[str, Any], actor_id: int,
                    expected_version: int | None = None) -> CustomerChange:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise FormInvalid(Text("unknown customer fields"), {name: [Text("not a customer field")] for name in unknown})
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(Text("no customer %(customer_id)s", customer_id=customer_id))
        if expected_version is not None and customer.row_version != expected_version:
            raise Conflict(Text("customer %(customer_id)s changed (version %(row_version)s)",
                                customer_id=customer_id, row_version=customer.row_version))
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


def create_customer(services: Services, fields: dict[str, Any], actor_id: int) -> Customer:
    """An admin adds a customer: it can be chosen in start forms at once (`x-choices: customers`)."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        _admin(uow.session, actor_id)
        values = _record_fields(uow.session, fields, None)
        customer = Customer(**{"decision_makers": [], "complaint_types": [], **values}, updated_at=now)
        uow.session.add(customer)
        uow.session.flush()
        audit.record(uow.session, now, "customer_created", actor_id=actor_id, customer_id=customer.id,
                     customer=customer.name, fields=values)
        uow.commit()
        return customer


def edit_customer(services: Services, customer_id: int, fields: dict[str, Any], actor_id: int,
                  expected_version: int | None = None) -> CustomerChange:
    """An admin corrects a record (its name too); a changed budget, decision maker or attention still reaches
    delivery, as a sales change does (R8)."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        _admin(uow.session, actor_id)
        customer = uow.session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(Text("no customer %(customer_id)s", customer_id=customer_id))
        if expected_version is not None and customer.row_version != expected_version:
            raise Conflict(Text("customer %(customer_id)s changed (version %(row_version)s)",
                                customer_id=customer_id, row_version=customer.row_version))
        values = _record_fields(uow.session, fields, customer)
        diff = [{"field": name, "label": RECORD[name], "before": getattr(customer, name), "after": value}
                for name, value in values.items() if getattr(customer, name) != value]
        for change in diff:
            setattr(customer, change["field"], change["after"])
        notified = []
        if diff:
            customer.updated_at = now
            audit.record(uow.session, now, "customer_edited", actor_id=actor_id, customer_id=customer.id,
                         customer=customer.name, changes=diff)
            watched = [c for c in diff if c["field"] in WATCHED]
            notified = _tell_delivery(services, uow, customer, watched, actor_id, now) if watched else []
        uow.commit()
        return CustomerChange(diff, notified, customer.row_version)


def _admin(session: Session, actor_id: int) -> None:
    if not queries.is_member(session, actor_id, ADMINS):
        raise Forbidden(Text("only admins create and edit customer records"))


def _record_fields(session: Session, fields: dict[str, Any], customer: Customer | None) -> dict[str, Any]:
    """The known fields, with a name that is not blank and not another customer's (any case): 422 otherwise."""
    unknown = sorted(set(fields) - set(RECORD))
    if unknown:
        raise FormInvalid(Text("unknown customer fields"), {name: [Text("not a customer field")] for name in unknown})
    values = dict(fields)
    if "name" in values or customer is None:
        name = " ".join(str(values.get("name") or "").split())
        if not name:
            raise FormInvalid(Text("a customer needs a name"), {"name": [Text("give the customer's name")]})
        clash = session.scalar(select(Customer.id).where(func.lower(Customer.name) == name.lower()))
        if clash is not None and (customer is None or clash != customer.id):
            raise FormInvalid(Text("another customer has this name"),
                              {"name": [Text("customer %(clash)s is already called %(name)r",
                                             clash=clash, name=name)]})
        values["name"] = name
    return values


def _tell_delivery(services: Services, uow: UnitOfWork, customer: Customer, changes: list[dict], actor_id: int,
                   now) -> list[str]:
    session, notified, rows = uow.session, [], []
    subject = Text("%(customer)s changed: %(fields)s", customer=customer.name,
                   fields=[Text(c["label"]) for c in changes])
    projects = session.scalars(select(Instance).where(Instance.customer_id == customer.id,
                                                      Instance.status == "running"))
    for project in projects:
        for user in delivery_managers(session, project):
            row = Outbox(created_at=now, instance_id=project.id, channel="inapp", recipient_id=user.id,
                         topic="customer_changed", next_attempt_at=now,
                         payload={"subject": str(subject), "subject_text": text_json(subject),
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
