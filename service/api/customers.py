"""Customers: admins create and edit records; sales changes budget, decision makers or executive attention,
and delivery hears of it (R8)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import func, or_, select

from service.flows import customers as flows_customers
from service.flows import queries_people
from service.store.models import Customer

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services

blp = Blueprint("customers", __name__, url_prefix="/api/v1/customers", description="Customers (R8)")
EDITORS = ("sales", "sales-managers", "admins")
ADMINS = "admins"


def _editor(actor: int) -> None:
    with services().sessions() as session:
        if not any(queries_people.in_group(session, actor, group) for group in EDITORS):
            abort(403, description=gettext("only sales (or an admin) changes customer records"))


def _admin(actor: int) -> None:
    with services().sessions() as session:
        if not queries_people.in_group(session, actor, ADMINS):
            abort(403, description=gettext("only admins create and edit customer records"))


def _view(customer: Customer) -> dict:
    return {c.name: getattr(customer, c.name) for c in Customer.__table__.columns}


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.CustomerListQuery, location="query")
@blp.response(200, schemas.CustomerSchema(many=True))
def list_customers(query):
    """Every customer by name; `q` keeps those whose name or industry contains it (any case)."""
    statement = select(Customer).order_by(Customer.name)
    if query.get("q"):
        pattern = "%" + query["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(func.lower(Customer.name).like(pattern, escape="\\"),
                                        func.lower(Customer.industry).like(pattern, escape="\\")))
    with services().sessions() as session:
        return [_view(c) for c in session.scalars(statement)]


@blp.route("", methods=["POST"])
@login_required
@authorized_first(lambda actor: _admin(actor))
@blp.arguments(schemas.CustomerCreateSchema)
@blp.response(201, schemas.CustomerSchema)
def create(body):
    """An admin adds a customer (a name no other customer has, in any case: else 422 on `name`)."""
    return _view(flows_customers.create_customer(services(), body, actor_id()))


@blp.route("/<int(max=9223372036854775807):customer_id>", methods=["GET"])
@blp.response(200, schemas.CustomerSchema)
@login_required
def get_customer(customer_id: int):
    with services().sessions() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            abort(404, description=gettext("no customer %(customer_id)s", customer_id=customer_id))
        return _view(customer)


@blp.route("/<int(max=9223372036854775807):customer_id>", methods=["PATCH"])
@login_required
@authorized_first(lambda actor, customer_id: _admin(actor))
@blp.arguments(schemas.CustomerEditSchema)
@blp.response(200, schemas.CustomerSchema)
def edit(body, customer_id: int):
    """An admin corrects a record; only the fields sent change. A changed budget, decision makers or executive
    attention reaches delivery as a sales change does (R8)."""
    version = expected_version(body.pop("version", None))
    flows_customers.edit_customer(services(), customer_id, body, actor_id(), version)
    with services().sessions() as session:
        return _view(session.get(Customer, customer_id))


@blp.route("/<int(max=9223372036854775807):customer_id>/changes", methods=["POST"])
@login_required
@authorized_first(lambda actor, customer_id: _editor(actor))
@blp.arguments(schemas.CustomerChangeSchema)
@blp.response(200, schemas.CustomerChangedSchema)
def change(body, customer_id: int):
    """Sales changes the customer; each open project's delivery manager gets the before and after."""
    result = flows_customers.change_customer(services(), customer_id, body["changes"], actor_id(),
                                             expected_version(body["version"]))
    return {"changes": result.changes, "notified": result.notified, "version": result.row_version}
