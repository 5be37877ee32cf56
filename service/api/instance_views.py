"""Reading instances: the list (filtered, paged), the timeline from the log, upcoming timers; freeze, release."""

from __future__ import annotations

from flask_babel import get_locale
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import defer

from service.clock import utcnow
from service.engine import translations
from service.engine.runner import element_states
from service.engine.timers import pending_timers
from service.flows import instances as flows
from service.flows import permissions, visibility
from service.i18n import normalize
from service.store.models import AuditEvent, Instance, Task

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services, visible_instance
from .instances import _instance_view, instance_view

blp = Blueprint("instance_views", __name__, url_prefix="/api/v1/instances", description="Instances")


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.InstanceListQuery, location="query")
@blp.response(200, schemas.InstanceSchema(many=True))
def list_instances(query):
    """Instances I take part in, could claim work in, or manage someone who does (admins: all); newest first.

    The same few statements whatever the page size: the viewer's groups and reporting tree (one per
    level of the org chart), the page of instances filtered by visibility in SQL (state left unread),
    and the page's open tasks.
    """
    now = utcnow()
    with services().sessions() as session:
        statement = select(Instance).options(defer(Instance.state))
        visible = visibility.visible_instances(session, actor_id())
        if visible is not None:
            statement = statement.where(visible)
        for column in ("process_id", "status", "stage"):
            if query[column]:
                statement = statement.where(getattr(Instance, column) == query[column])
        page = statement.order_by(Instance.id.desc()).limit(query["per_page"])
        rows = session.scalars(page.offset((query["page"] - 1) * query["per_page"])).unique().all()
        open_tasks: dict[int, list[Task]] = {row.id: [] for row in rows}
        if rows:
            for task in session.scalars(select(Task).where(Task.instance_id.in_(list(open_tasks)),
                                                           Task.status == "open").order_by(Task.id)):
                open_tasks[task.instance_id].append(task)
        return [instance_view(row, open_tasks[row.id], now) for row in rows]


@blp.route("/<int(max=9223372036854775807):instance_id>/timeline", methods=["GET"])
@blp.response(200, schemas.EventSchema(many=True))
@login_required
def timeline(instance_id: int):
    """Everything that happened to the instance, from the append-only log, oldest first."""
    with services().sessions() as session:
        visible_instance(session, instance_id)
        rows = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                               .order_by(AuditEvent.id))
        return [{c.name: getattr(r, c.name) for c in AuditEvent.__table__.columns} for r in rows]


@blp.route("/<int(max=9223372036854775807):instance_id>/timers", methods=["GET"])
@blp.response(200, schemas.TimerSchema(many=True))
@login_required
def timers(instance_id: int):
    """Timers waiting in the instance (reminders, deadlines), soonest first."""
    with services().sessions() as session:
        instance = visible_instance(session, instance_id)
        if instance.status != "running":
            return []
        return [t.__dict__ for t in pending_timers(services().engine.restore(instance.state))]


@blp.route("/<int(max=9223372036854775807):instance_id>/diagram", methods=["GET"])
@blp.response(200, schemas.DiagramSchema)
@login_required
def diagram(instance_id: int):
    """The instance's own BPMN with the ids of done, active and overdue elements (for bpmn-js to colour)."""
    now = utcnow()
    with services().sessions() as session:
        instance = visible_instance(session, instance_id)
        files = instance.process_version.files
        xml = next((text for path, text in sorted(files.items())
                    if path.endswith(".bpmn") and f'id="{instance.process_id}"' in text), "")
        overdue = sorted({t.element_id for t in session.scalars(select(Task).where(
            Task.instance_id == instance_id, Task.status == "open", Task.due_at < now))})
        done, active = element_states(services().engine.restore(instance.state))
        xml = translations.diagram_in(xml, services().library.get(instance.process_version.content_hash),
                                      normalize(str(get_locale())))
        return {"process_id": instance.process_id, "xml": xml, "done": done, "active": active,
                "overdue": overdue, "frozen": instance.frozen}


@blp.route("/<int(max=9223372036854775807):instance_id>/freeze", methods=["POST"])
@blp.arguments(schemas.FreezeSchema)
@blp.response(200, schemas.InstanceSchema)
@login_required
def freeze(body, instance_id: int):
    """Stops the instance: no task completes, no timer fires, until it is released.

    Only a manager of the instance's owner (whoever started it) or an admin may (403 with the reason);
    the same people release it.
    """
    with services().sessions() as session:
        visible_instance(session, instance_id)
    flows.freeze(services(), instance_id, body["reason"], actor_id(), expected_version(body["version"]))
    return _instance_view(instance_id)


@blp.route("/<int(max=9223372036854775807):instance_id>/release", methods=["POST"])
@login_required
@authorized_first(lambda actor, instance_id: permissions.check_release(services(), instance_id, actor))
@blp.arguments(schemas.ReleaseSchema)
@blp.response(200, schemas.InstanceSchema)
def release(body, instance_id: int):
    """Lets a frozen instance go on: a knowledge-base freeze by its release group (product owners), optionally
    rebinding the version it offers; a manual freeze by the owner's managers and admins (403 otherwise)."""
    flows.release(services(), instance_id, actor_id(), expected_version(body["version"]), data=body["data"])
    return _instance_view(instance_id)
