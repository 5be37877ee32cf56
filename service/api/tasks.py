"""Tasks: my list, my groups' list, overdue work, what I completed; claim, complete, reassign (R9).

404 for a task you cannot see; 403, with the reason, for one you see but may not act on (`flows.visibility`
says who sees a task: who holds, held or completed it, its groups' members, and who sees its instance).
"""

from __future__ import annotations

from uuid import UUID

from flask import abort, make_response
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import select

from service.clock import utcnow
from service.flows import instances as flows
from service.flows import permissions, visibility
from service.flows.answers import answers
from service.flows.incidents import IncidentOpened
from service.i18n import render
from service.i18n.request import current_locale
from service.store.models import Instance, Task, User

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services
from .idempotency import current_reservation, idempotent
from .schemas_incidents import ProcessStoppedSchema

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="People's work")
DONE_PER_PAGE = 50


def task_dict(task: Task | dict, now) -> dict:
    """A task row (or the column values a flow returned) as the API shows it."""
    view = dict(task) if isinstance(task, dict) else {c.name: getattr(task, c.name) for c in Task.__table__.columns}
    view["overdue"] = view["status"] == "open" and view["due_at"] is not None and view["due_at"] < now
    if not view.get("candidate_groups"):  # a row from before a task could have several groups
        view["candidate_groups"] = [view["candidate_group"]] if view.get("candidate_group") else []
    return view


def _visible_task(session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or not visibility.can_see_task(session, actor_id(), task):
        abort(404, description=gettext("no task %(task_id)s that you can see", task_id=task_id))
    return task


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.TaskListQuery, location="query")
@blp.response(200, schemas.TaskSchema(many=True))
def list_tasks(query):
    """``scope=mine`` (default), ``groups`` (claimable), ``overdue`` (mine and my reporting tree's), ``done``
    (completed by me, newest first; ``page`` of 50)."""
    now = utcnow()
    with services().sessions() as session:
        if query["scope"] == "done":
            done = visibility.done_by(session, actor_id(), query["page"], DONE_PER_PAGE)[:DONE_PER_PAGE]
            return [task_dict(t, now) for t in done]
        return [task_dict(t, now) for t in visibility.task_lists(session, actor_id(), query["scope"], now)]


@blp.route("/<int(max=9223372036854775807):task_id>", methods=["GET"])
@blp.response(200, schemas.TaskDetailSchema)
@login_required
def get_task(task_id: int):
    """The task with its form and the data it sees; sealed keys are listed (read-only for everyone).

    A completed or cancelled task shows the answers its form holds (what was submitted). Its holder,
    completer and whoever sees its instance read the data; a colleague who only knows of the task (its
    group's work someone holds or did, a former holder) gets it with empty `data`; 404 for anyone else."""
    svc = services()
    with svc.sessions() as session:
        task = _visible_task(session, task_id)
        instance = session.get(Instance, task.instance_id)
        parsed = svc.library.get(instance.process_version.content_hash)
        view = task_dict(task, utcnow())
        view["form"] = parsed.form_for(task.element_id)
        if not visibility.can_read_task(session, actor_id(), task):  # knows of it, may not read it (R6)
            view["data"] = {}
        elif task.status == "open":
            view["data"] = _task_data(svc, instance, task)
        else:
            view["data"] = answers(svc, instance, task, view["form"])
        view["sealed"] = list(instance.sealed or [])
        return view


def _task_data(svc, instance: Instance, task: Task) -> dict:
    """What the open task sees: its own data in the engine (JSON-safe values only)."""
    workflow = svc.engine.restore(instance.state)
    engine_task = workflow.get_task_from_id(UUID(task.engine_task_id))
    return {k: v for k, v in (engine_task.data if engine_task else instance.data).items()
            if isinstance(v, str | int | float | bool | list | dict | type(None))}


def _after(task_id: int):
    with services().sessions() as session:
        return task_dict(session.get(Task, task_id), utcnow())


def _may(action: str):
    """The task rule for `action`, asked before the body is read (`flows.permissions`)."""
    return authorized_first(lambda actor, task_id: permissions.check_task(services(), action, task_id, actor))


@blp.route("/<int(max=9223372036854775807):task_id>/claim", methods=["POST"])
@login_required
@_may("claim")
@blp.arguments(schemas.VersionSchema)
@blp.response(200, schemas.TaskSchema)
def claim(body, task_id: int):
    """Takes a task of one of my groups; 403 if someone holds it already (named) or it is not your group's."""
    flows.claim_task(services(), task_id, actor_id(), expected_version(body["version"]), only_visible=True)
    return _after(task_id)


@blp.route("/<int(max=9223372036854775807):task_id>/unclaim", methods=["POST"])
@login_required
@_may("unclaim")
@blp.arguments(schemas.VersionSchema)
@blp.response(200, schemas.TaskSchema)
def unclaim(body, task_id: int):
    """Hands a task back to its group; 403 if you do not hold it."""
    flows.unclaim_task(services(), task_id, actor_id(), expected_version(body["version"]), only_visible=True)
    return _after(task_id)


def _replay_completion(facts: dict) -> tuple[dict, int]:
    """A retried completion that committed but whose answer was lost: the completed task (or its incident)."""
    if facts.get("incident_id"):
        return _stopped_body(facts["incident_id"], facts["instance_id"], gettext(
            "the process stopped after your answers were saved; its owners were told")), 202
    return schemas.TaskSchema().dump(_after(facts["task_id"])), 200


def _stopped_body(incident_id: int, instance_id: int, message: str, errors: dict | None = None) -> dict:
    return {"code": IncidentOpened.code, "message": message, "errors": errors or {}, "incident_id": incident_id,
            "instance_id": instance_id}


@blp.route("/<int(max=9223372036854775807):task_id>/complete", methods=["POST"])
@login_required
@_may("complete")
@idempotent(replay=_replay_completion)
@blp.arguments(schemas.CompleteSchema)
@blp.response(200, schemas.TaskSchema)
@blp.alt_response(202, schema=ProcessStoppedSchema, description="saved, but the process stopped after it")
def complete(body, task_id: int):
    """Submits the form; 422 names every invalid field, 409 if the task moved on, 403 (with who holds it)
    if you can see the task but it is not yours, 404 if you cannot see it.

    202 ``process_stopped``: the answers were kept, but the steps after the task failed; an incident
    holds them and the process's owners were told (the task stays open, 409 until they fix it).
    """
    try:
        result = flows.complete_task(services(), task_id, actor_id(), body["data"],
                                     expected_version(body["version"]), only_visible=True,
                                     request_key=current_reservation())
    except IncidentOpened as stopped:
        return make_response(_stopped_body(stopped.details["incident_id"], stopped.details["instance_id"],
                                           render(stopped.text, current_locale()),
                                           stopped.details.get("errors")), 202)
    return task_dict(result.task, utcnow())


@blp.route("/<int(max=9223372036854775807):task_id>/reassign", methods=["POST"])
@login_required
@_may("reassign")
@blp.arguments(schemas.ReassignSchema)
@blp.response(200, schemas.TaskSchema)
def reassign(body, task_id: int):
    """A manager of the holder (or of the group) gives the task to someone else; 403 for anyone else who sees it."""
    with services().sessions() as session:
        target = session.scalar(select(User.id).where(User.username == body["assignee"], User.active))
    flows.reassign_task(services(), task_id, target, actor_id(), expected_version(body["version"]))
    return _after(task_id)
