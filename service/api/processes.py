"""Process designers: versions of a process, deploying BPMN + forms, and making an older version current (R11)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import select

from service.engine.validate_limits import MAX_FILE_BYTES, megabytes
from service.flows import deploy as deploying
from service.flows import queries_people
from service.i18n.request import current_locale
from service.store.models import ProcessVersion

from . import schemas
from .auth import login_required
from .common import actor_id, services

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes", description="Process versions and deploys")
DESIGNERS = "designers"
MAX_VERSION = 2**31 - 1  # version numbers are 32-bit integers: a larger one names no version


def _designer() -> str:
    """The username of the process designer calling; anyone else gets 403, as for a deploy."""
    with services().sessions() as session:
        if not queries_people.in_group(session, actor_id(), DESIGNERS):
            abort(403, description=gettext("only process designers deploy"))
        return queries_people.username(session, actor_id())


@blp.route("/<process_id>/versions", methods=["GET"])
@blp.response(200, schemas.ProcessVersionSchema(many=True))
@login_required
def versions(process_id: str):
    """Every deployed version, newest first; running instances stay on theirs."""
    with services().sessions() as session:
        rows = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                               .order_by(ProcessVersion.version.desc()))
        found = [{"process_id": r.process_id, "version": r.version, "content_hash": r.content_hash,
                  "deployed_at": r.deployed_at, "deployed_by": r.deployed_by, "files": sorted(r.files)} for r in rows]
    if not found:
        abort(404, description=gettext("no process %(process_id)r", process_id=process_id))
    return found


@blp.route("/deploy", methods=["POST"])
@blp.response(201, schemas.DeployedSchema(many=True))
@login_required
def deploy():
    """``multipart/form-data``: BPMN/DMN files and forms, each field named by its path (``bpmn/x.bpmn``,
    ``forms/area/task.json``). Problems come back as 422 with ``FILE:LINE: element-id: message`` lines.
    ``?with_deployed=true``: the upload changes the deployed library (send one edited diagram alone)."""
    username = _designer()
    files = {}
    for field, upload in request.files.items(multi=True):
        content = upload.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:  # the validator's own limit: a larger file would not be checked
            abort(413, description=gettext("%(field)s is larger than %(megabytes)s; a process or form file may be at "
                                           "most %(megabytes)s "
                                           "(split the process)",
                                           field=field, megabytes=megabytes(MAX_FILE_BYTES)))
        try:
            files[field] = content.decode("utf-8")
        except UnicodeDecodeError:
            abort(422, description=gettext("%(field)s is not UTF-8 text", field=field))
    if not any(path.startswith("bpmn/") for path in files):
        abort(422, description=gettext("send at least one file named bpmn/<name>.bpmn"))
    results = deploying.deploy(services(), files, username,
                               on_top_of_deployed=request.args.get("with_deployed") in ("1", "true"))
    locale = current_locale()
    return [{**r.__dict__, "warnings": [w.render(locale) for w in r.warning_problems] or list(r.warnings)}
            for r in results]


@blp.route(f"/<process_id>/versions/<int(max={MAX_VERSION}):version>/activate", methods=["POST"])
@blp.response(201, schemas.DeployedSchema)
@blp.alt_response(200, schema=schemas.DeployedSchema, description="That version is already the newest: nothing changed")
@login_required
def activate(process_id: str, version: int):
    """Undo: makes an older version current again as a new version number with exactly its files (201,
    ``restores`` names the older version). New instances start on it; running instances stay on theirs.
    The files are checked as a deploy checks them (422 with problem lines); an unusable version is 409."""
    username = _designer()
    result = deploying.activate(services(), process_id, version, username)
    return result.__dict__, (201 if result.created else 200)
