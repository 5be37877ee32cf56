"""Cancel, suspend, resume an instance, or move a token: each its own permission, the version seen, a reason."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from service.clock import utcnow
from service.flows import instance_actions as flows
from service.flows import move as moving
from service.flows import operation_rules
from service.store.models import Instance, Task

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services
from .instances import instance_view
from .schemas_actions import ActionSchema, MoveSchema

blp = Blueprint("instance_actions", __name__, url_prefix="/api/v1/instances", description="Instance actions")


def _check(action: str):
    return lambda actor, instance_id: operation_rules.check_operate(services(), instance_id, actor, action)


def _answer(instance_id: int) -> dict:
    """The instance as it is now (its operators may see it even when they took no part in it)."""
    with services().sessions() as session:
        instance = session.get(Instance, instance_id)
        tasks = session.scalars(select(Task).where(Task.instance_id == instance_id, Task.status == "open")
                                .order_by(Task.id))
        return instance_view(instance, list(tasks), utcnow())


@blp.route("/<int(max=9223372036854775807):instance_id>/cancel", methods=["POST"])
@login_required
@authorized_first(_check("cancel"))
@blp.arguments(ActionSchema)
@blp.response(200, schemas.InstanceSchema)
def cancel(body, instance_id: int):
    """Ends the instance: every token, open task (closed as cancelled), timer and wait; assignees are told.

    Admins, the process's owners and the managers of whoever started it may (403 otherwise); 409 for a
    stale version or an instance already completed or cancelled.
    """
    flows.cancel(services(), instance_id, actor_id(), body["reason"], expected_version(body["version"]))
    return _answer(instance_id)


@blp.route("/<int(max=9223372036854775807):instance_id>/suspend", methods=["POST"])
@login_required
@authorized_first(_check("suspend"))
@blp.arguments(ActionSchema)
@blp.response(200, schemas.InstanceSchema)
def suspend(body, instance_id: int):
    """Stops a running instance until it is resumed: no task completes, no timer fires; claims still work."""
    flows.suspend(services(), instance_id, actor_id(), body["reason"], expected_version(body["version"]))
    return _answer(instance_id)


@blp.route("/<int(max=9223372036854775807):instance_id>/resume", methods=["POST"])
@login_required
@authorized_first(_check("resume"))
@blp.arguments(ActionSchema)
@blp.response(200, schemas.InstanceSchema)
def resume(body, instance_id: int):
    """Lets a suspended instance go on; timers that came due while it was suspended fire at once."""
    flows.resume(services(), instance_id, actor_id(), body["reason"], expected_version(body["version"]))
    return _answer(instance_id)


@blp.route("/<int(max=9223372036854775807):instance_id>/move", methods=["POST"])
@login_required
@authorized_first(_check("move"))
@blp.arguments(MoveSchema)
@blp.response(200, schemas.InstanceSchema)
def move(body, instance_id: int):
    """Cancels the token at `from` and starts one at `to`, keeping its data (plus `data`).

    Admins and the process's owners may. A move the engine cannot make safely (no token there, another
    sub-process, a boundary or start event, across a parallel or inclusive gateway...) is a 422 saying why.
    """
    moving.move(services(), instance_id, actor_id(), body["reason"], expected_version(body["version"]),
                body["from_element"], body["to_element"], body["data"])
    return _answer(instance_id)
