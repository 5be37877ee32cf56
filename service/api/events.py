"""Messages and signals from partner systems: ``POST /correlations``, ``POST /signals``, and what waits.

Kept apart from ``/messages``, which is people's in-app inbox. Who may send: admins and
members of the ``integrations`` group (service accounts with a `handoff token`).
"""

from __future__ import annotations

from flask_smorest import Blueprint

from service.flows import events as flows
from service.flows import waits

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, services, visible_instance
from .idempotency import current_reservation, idempotent

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="Messages and signals from outside")


def _replay(facts: dict) -> tuple[dict, int]:
    """A retry whose work committed but whose answer was lost: what that commit recorded."""
    started = facts.get("started") or ([facts["instance_id"]] if "instance_id" in facts else [])
    return schemas.DeliveredSchema().dump({**facts, "started": started}), 200


@blp.route("/correlations", methods=["POST"])
@login_required
@authorized_first(lambda actor: flows.may_send(services(), actor))
@idempotent(replay=_replay)
@blp.arguments(schemas.CorrelationSchema)
@blp.response(200, schemas.DeliveredSchema)
@blp.alt_response(404, schema=schemas.ApiError, description="no instance waits for it and no process starts with it")
@blp.alt_response(409, schema=schemas.ApiError,
                  description="more than one instance matches (their ids in errors.instance_ids), or it is frozen")
def correlate(body):
    """Delivers a BPMN message to the one instance that waits for it, or starts one (message start event).

    The instance is named by `instance_id`, `business_key` or `correlation_keys` (process variables that
    must hold exactly these values); any that are given must all match. `payload` is merged into its data.
    """
    correlation = flows.Correlation(body["instance_id"], body["business_key"], body["correlation_keys"])
    return flows.correlate(services(), body["message"], correlation, body["payload"], actor_id(),
                           current_reservation())


@blp.route("/signals", methods=["POST"])
@login_required
@authorized_first(lambda actor: flows.may_send(services(), actor))
@idempotent(replay=_replay)
@blp.arguments(schemas.SignalSchema)
@blp.response(200, schemas.DeliveredSchema)
@blp.alt_response(404, schema=schemas.ApiError, description="no instance waits for it and no process starts with it")
@blp.alt_response(409, schema=schemas.ApiError, description="every instance that waits could not take it now")
def signal(body):
    """Broadcasts a BPMN signal: every instance waiting for it catches it, every process starting with it starts."""
    return flows.broadcast(services(), body["signal"], body["payload"], actor_id(), current_reservation())


@blp.route("/instances/<int(max=9223372036854775807):instance_id>/waits", methods=["GET"])
@blp.response(200, schemas.WaitSchema(many=True))
@login_required
def waiting(instance_id: int):
    """The messages and signals the instance waits for now (its timers are at `/timers`)."""
    with services().sessions() as session:
        instance = visible_instance(session, instance_id)
        if instance.status != "running":
            return []
        return [w.__dict__ for w in waits.of_instance(session, instance_id)]
