"""Incidents: list them, read one, retry or skip the failed step (issue 10)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint

from service.flows import incidents as flows
from service.flows import operation_rules
from service.store.models import Incident, Instance

from . import schemas_incidents as schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="Incidents")


def incident_view(session, incident: Incident) -> dict:
    view = {c.name: getattr(incident, c.name) for c in Incident.__table__.columns}
    instance = session.get(Instance, incident.instance_id)
    view["instance_version"] = instance.row_version
    view["process_name"] = instance.process_version.name
    view["trigger"] = (incident.trigger or {}).get("kind", "")
    return view


def _one(incident_id: int) -> dict:
    with services().sessions() as session:
        return incident_view(session, flows.get(services(), session, actor_id(), incident_id))


def _may(action: str):
    """404 for an incident one cannot see, 403 for one whose process is not theirs, before the body is read."""

    def check(actor, incident_id):
        with services().sessions() as session:
            incident = session.get(Incident, incident_id)
        if incident is None:
            abort(404, description=gettext("no incident %(incident_id)s that you can see",
                                           incident_id=incident_id))
        operation_rules.check_operate(services(), incident.instance_id, actor, action)

    return authorized_first(check)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.IncidentQuery, location="query")
@blp.response(200, schemas.IncidentSchema(many=True))
def list_incidents(query):
    """Newest first. Admins see every incident, a process's owner groups their processes'; others 403."""
    with services().sessions() as session:
        if not flows.operates_anything(session, services(), actor_id()):
            abort(403, description=gettext("only admins and the owners of a process see incidents"))
        rows = flows.list_incidents(services(), session, actor_id(), **query)
        return [incident_view(session, row) for row in rows]


@blp.route("/<int(max=9223372036854775807):incident_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.IncidentSchema)
def get_incident(incident_id: int):
    return _one(incident_id)


@blp.route("/<int(max=9223372036854775807):incident_id>/retry", methods=["POST"])
@login_required
@_may("retry")
@blp.arguments(schemas.RetrySchema)
@blp.response(200, schemas.IncidentSchema)
def retry(body, incident_id: int):
    """Does the failed step again (after ``data`` corrections); 422 with the error if it fails again."""
    flows.retry(services(), incident_id, actor_id(), body["reason"], expected_version(body["version"]),
                data=body["data"])
    return _one(incident_id)


@blp.route("/<int(max=9223372036854775807):incident_id>/skip", methods=["POST"])
@login_required
@_may("skip")
@blp.arguments(schemas.SkipSchema)
@blp.response(200, schemas.IncidentSchema)
def skip(body, incident_id: int):
    """Completes the failed step with ``data`` instead of running it; the process goes on."""
    flows.skip(services(), incident_id, actor_id(), body["reason"], body["data"], expected_version(body["version"]))
    return _one(incident_id)
