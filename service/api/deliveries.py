"""Outgoing deliveries for operators: list the ones that gave up, resend them once the receiver is fixed."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service.flows import deliveries as flows
from service.flows import operation_rules

from .auth import login_required
from .common import actor_id, authorized_first, services

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1/deliveries", description="Outbox deliveries")


class DeliveryQuery(Schema):
    status = fields.String(load_default="failed", validate=validate.OneOf(flows.STATUSES))
    channel = fields.String(load_default=None, validate=validate.Length(max=40))
    instance_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**63 - 1))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DeliverySchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    topic = fields.String()
    instance_id = fields.Integer(allow_none=True)
    recipient = fields.String(allow_none=True, metadata={"description": "the recipient's name"})
    recipient_username = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending, sending, sent or failed"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True, metadata={"description": "what the receiver said last"})
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    dedup_key = fields.String(metadata={"description": "the identity receivers see; a resend keeps it"})


class ResendChannelSchema(Schema):
    channel = fields.String(required=True, validate=validate.Length(min=1, max=40))


class ResentSchema(Schema):
    resent = fields.List(fields.Integer(), metadata={"description": "the ids queued again"})


def _admin(actor: int, **_) -> None:
    with services().sessions() as session:
        operation_rules.may_admin(session, actor, "resend")


@blp.route("", methods=["GET"])
@login_required
@authorized_first(_admin)
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, DeliverySchema(many=True))
def list_deliveries(query):
    """Deliveries by status (default: failed), newest first; admins only."""
    return flows.list_deliveries(services(), actor_id(), flows.DeliveryFilter(**query))


@blp.route("/<int(max=9223372036854775807):outbox_id>/resend", methods=["POST"])
@login_required
@authorized_first(_admin)
@blp.response(200, ResentSchema)
def resend(outbox_id: int):
    """Sends a failed delivery again: same row, same id and dedup key (receivers drop copies); 409 if not failed."""
    return flows.resend(services(), outbox_id, actor_id())


@blp.route("/resend", methods=["POST"])
@login_required
@authorized_first(_admin)
@blp.arguments(ResendChannelSchema)
@blp.response(200, ResentSchema)
def resend_channel(body):
    """Sends every failed delivery of one channel again (after its receiver was fixed)."""
    return flows.resend_channel(services(), body["channel"], actor_id())
