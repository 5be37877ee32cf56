"""Dashboards for managers (R10): the stage board, my tree's overdue work and escalations, accepted-not-invoiced."""

from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.clock import utcnow
from service.flows import dashboards, metrics

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, services
from .tasks import task_dict

blp = Blueprint("dashboards", __name__, url_prefix="/api/v1/dashboards", description="Dashboards (R10)")


def _overview_allowed(session) -> None:
    """Every project's figures are for managers, finance, executives and admins; my own tree is anyone's."""
    if not dashboards.may_see_overview(session, actor_id()):
        abort(403, description=gettext("the dashboards over every project are for managers, finance and executives"))


class BoardProject(Schema):
    id = fields.Integer()
    customer = fields.String(allow_none=True)
    hours_in_stage = fields.Float()
    red = fields.Boolean()
    frozen = fields.Boolean()
    status = fields.String(metadata={"description": "running, error or suspended"})
    overdue_tasks = fields.Boolean()
    freeze_timed_out = fields.Boolean()


class BoardColumn(Schema):
    stage = fields.String()
    projects = fields.List(fields.Nested(BoardProject))


class ManagerView(Schema):
    overdue_tasks = fields.List(fields.Nested(schemas.TaskSchema))
    escalations = fields.List(fields.Nested(schemas.EventSchema))


class NotInvoiced(Schema):
    id = fields.Integer()
    customer = fields.String(allow_none=True)
    accepted_days_ago = fields.Integer()
    acceptance_document = fields.Integer(allow_none=True)
    contract_number = fields.String(allow_none=True)
    terms = fields.String(allow_none=True)
    amount = fields.Float(allow_none=True)
    finance_contact = fields.Integer(allow_none=True)
    finance_task = fields.Integer(allow_none=True)


@blp.route("/stage-board", methods=["GET"])
@blp.response(200, BoardColumn(many=True))
@login_required
def stage_board():
    """Eight columns; each project with its time in stage, red when overdue or a freeze timed out (R1.2, R5)."""
    with services().sessions() as session:
        _overview_allowed(session)
        return dashboards.stage_board(session, utcnow())


@blp.route("/my-tree", methods=["GET"])
@blp.response(200, ManagerView)
@login_required
def my_tree():
    """Overdue tasks and the last 30 days' escalations of everyone below me (R9)."""
    now = utcnow()
    with services().sessions() as session:
        view = dashboards.manager_view(session, actor_id(), now, now - timedelta(days=30))
        return {"overdue_tasks": [task_dict(t, now) for t in view["overdue_tasks"]],
                "escalations": [{c: getattr(e, c) for c in ("id", "at", "kind", "actor_id", "task_id", "element_id",
                                                            "data")} for e in view["escalations"]]}


class Rate(Schema):
    rate = fields.Float(allow_none=True)
    count = fields.Integer()
    of = fields.Integer()
    instances = fields.List(fields.Integer())


class CustomerUpdates(Schema):
    count = fields.Integer()
    customers = fields.List(fields.Integer(allow_none=True))


class Quality(Schema):
    handover_completeness = fields.Nested(Rate)
    handover_delay = fields.Nested(Rate)
    customer_updates_last_30_days = fields.Nested(CustomerUpdates)


class Health(Schema):
    rep = fields.String()
    stage_completion = fields.Nested(Rate)
    response_median_h = fields.Float(allow_none=True)
    responses_within_48h = fields.Float(allow_none=True)
    fresh = fields.Boolean()
    last_update = fields.DateTime(allow_none=True)


class Window(Schema):
    days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))


def _overview_first(actor: int) -> None:
    with services().sessions() as session:
        _overview_allowed(session)


@blp.route("/collaboration-quality", methods=["GET"])
@login_required
@authorized_first(_overview_first)
@blp.arguments(Window, location="query")
@blp.response(200, Quality)
def collaboration_quality(window):
    """Handover completeness and delay rates, customer updates: from the log, with the instances counted."""
    now = utcnow()
    with services().sessions() as session:
        _overview_allowed(session)
        return metrics.collaboration_quality(session, now - timedelta(days=window["days"]), now)


@blp.route("/process-health", methods=["GET"])
@login_required
@authorized_first(_overview_first)
@blp.arguments(Window, location="query")
@blp.response(200, Health(many=True))
def process_health(window):
    """Per rep: stage work done, response time against 48 h, data freshness (30 days)."""
    now = utcnow()
    with services().sessions() as session:
        _overview_allowed(session)
        return metrics.process_health(session, now - timedelta(days=window["days"]), now)


@blp.route("/accepted-not-invoiced", methods=["GET"])
@blp.response(200, NotInvoiced(many=True))
@login_required
def accepted_not_invoiced():
    """Accepted more than 7 days ago, not invoiced: one click to the document, the terms and finance (R6)."""
    with services().sessions() as session:
        _overview_allowed(session)
        return dashboards.accepted_not_invoiced(session, utcnow())
