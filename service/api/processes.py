"""Process designers: versions of a process, and deploying BPMN + forms (R11)."""

from __future__ import annotations

from flask import abort, request
from flask_smorest import Blueprint
from sqlalchemy import select

from service.engine.validate_limits import MAX_FILE_BYTES, megabytes
from service.flows import deploy as deploying
from service.flows import queries_people
from service.store.models import ProcessVersion

from . import schemas
from .auth import login_required
from .common import actor_id, services

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes", description="Process versions and deploys")
DESIGNERS = "designers"


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
        abort(404, description=f"no process {process_id!r}")
    return found


@blp.route("/deploy", methods=["POST"])
@blp.response(201, schemas.DeployedSchema(many=True))
@login_required
def deploy():
    """``multipart/form-data``: BPMN/DMN files and forms, each field named by its path (``bpmn/x.bpmn``,
    ``forms/area/task.json``). Problems come back as 422 with ``FILE:LINE: element-id: message`` lines.
    ``?with_deployed=true``: the upload changes the deployed library (send one edited diagram alone)."""
    with services().sessions() as session:
        if not queries_people.in_group(session, actor_id(), DESIGNERS):
            abort(403, description="only process designers deploy")
        username = queries_people.username(session, actor_id())
    files = {}
    for field, upload in request.files.items(multi=True):
        content = upload.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:  # the validator's own limit: a larger file would not be checked
            abort(413, description=f"{field} is larger than {megabytes(MAX_FILE_BYTES)}; a process or form file "
                                   f"may be at most {megabytes(MAX_FILE_BYTES)} (split the process)")
        try:
            files[field] = content.decode("utf-8")
        except UnicodeDecodeError:
            abort(422, description=f"{field} is not UTF-8 text")
    if not any(path.startswith("bpmn/") for path in files):
        abort(422, description="send at least one file named bpmn/<name>.bpmn")
    results = deploying.deploy(services(), files, username,
                               on_top_of_deployed=request.args.get("with_deployed") in ("1", "true"))
    return [r.__dict__ for r in results]
