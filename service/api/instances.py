"""Processes and their instances: start one, look at one."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import func, select

from service.clock import utcnow
from service.flows import instances as flows
from service.store.models import Instance, ProcessVersion, Task

from . import schemas
from .auth import login_required
from .common import actor_id, services, visible_instance
from .idempotency import current_reservation, idempotent
from .tasks import task_dict

blp = Blueprint("instances", __name__, url_prefix="/api/v1", description="Processes and instances")


@blp.route("/processes", methods=["GET"])
@blp.response(200, schemas.ProcessSchema(many=True))
@login_required
def list_processes():
    """The newest version of every deployed process."""
    with services().sessions() as session:
        newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
                  .group_by(ProcessVersion.process_id).subquery())
        rows = session.scalars(select(ProcessVersion).join(newest, (newest.c.process_id == ProcessVersion.process_id)
                                                           & (newest.c.v == ProcessVersion.version))
                               .order_by(ProcessVersion.process_id))
        return [{"process_id": r.process_id, "name": r.name, "version": r.version, "deployed_at": r.deployed_at,
                 "deployed_by": r.deployed_by} for r in rows]


def _replay_start(facts: dict) -> tuple[dict, int]:
    """A retried start whose instance was started but whose answer was lost: the instance as it is now."""
    return schemas.InstanceSchema().dump(_instance_view(facts["instance_id"])), 201


@blp.route("/processes/<process_id>/instances", methods=["POST"])
@login_required
@idempotent(replay=_replay_start)
@blp.arguments(schemas.StartSchema)
@blp.response(201, schemas.InstanceSchema)
def start(body, process_id: str):
    """Starts the newest version; the start form (if any) validates `data` (422 with field errors)."""
    result = flows.start_process(services(), process_id, body["data"], actor_id=actor_id(),
                                 business_key=body["business_key"], request_key=current_reservation())
    return _instance_view(result.instance_id)


@blp.route("/instances/<int(max=9223372036854775807):instance_id>", methods=["GET"])
@blp.response(200, schemas.InstanceSchema)
@login_required
def get_instance(instance_id: int):
    """Status, stage, data and open tasks of an instance you take part in or manage."""
    return _instance_view(instance_id)


def _instance_view(instance_id: int) -> dict:
    now = utcnow()
    with services().sessions() as session:
        instance = visible_instance(session, instance_id)
        tasks = session.scalars(select(Task).where(Task.instance_id == instance_id, Task.status == "open")
                                .order_by(Task.id))
        return instance_view(instance, list(tasks), now)


SHOWN = [c.name for c in Instance.__table__.columns if c.name != "state"]  # the engine's state is not for clients


def instance_view(instance: Instance, open_tasks: list[Task], now) -> dict:
    """An instance as the API shows it, from a row already read (its version joined) and its open tasks."""
    view = {name: getattr(instance, name) for name in SHOWN}
    view["process_version"] = instance.process_version.version
    view["open_tasks"] = [task_dict(t, now) for t in open_tasks]
    return view
