"""Documents: upload (hash, size and type checked), download, and whether an instance's signatures hold."""

from __future__ import annotations

from flask import abort, request, send_file
from flask_babel import gettext
from flask_smorest import Blueprint

from service.flows import documents as flows_documents
from service.flows import signatures, visibility
from service.store.models import Document, Instance

from . import schemas
from .auth import login_required
from .common import actor_id, services, visible_instance

DEFAULT_TYPE = "application/octet-stream"  # for a row stored under a type no longer accepted

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Documents and signatures")


@blp.route("/documents", methods=["POST"])
@blp.response(201, schemas.DocumentSchema)
@login_required
def upload():
    """``multipart/form-data`` with a ``file`` (PDF, image, text, Word, Excel; 25 MB at most).

    With ``instance_id`` (an instance you can see) it is that instance's at once; without, it is yours
    alone until a task or start form you submit names it in a ``"format": "document"`` field: that
    completion makes it the instance's, in the same transaction.
    """
    uploaded = request.files.get("file")
    if uploaded is None:
        abort(422, description=gettext("send the document as multipart/form-data field 'file'"))
    instance_id = request.form.get("instance_id", type=int)
    if instance_id is None and request.form.get("instance_id", "").strip():
        abort(422, description=gettext("instance_id must be an instance's number"))  # not silently left unattached
    if instance_id is not None and not 0 < instance_id < 2**63:
        abort(404, description=gettext("no instance %(instance_id)s", instance_id=instance_id))
    if instance_id is not None:
        with services().sessions() as session:
            visible_instance(session, instance_id)
    stored = flows_documents.upload(services(), uploaded.read(), uploaded.filename or "document",
                                    uploaded.mimetype or "application/octet-stream", actor_id(), instance_id)
    with services().sessions() as session:
        row = session.get(Document, stored.id)
        return {c.name: getattr(row, c.name) for c in Document.__table__.columns}


@blp.route("/documents/<int(max=9223372036854775807):document_id>", methods=["GET"])
@login_required
def download(document_id: int):
    """The file itself, if you uploaded it or can see its instance: as an attachment, with its checked type.

    Everyone who can see the instance may: its starter and the people who hold or held its tasks,
    those who can claim its open tasks (finance, once it waits for the invoice), their managers up
    the chain and admins (R6). Anyone else gets 404, as if there were no such document.
    """
    with services().sessions() as session:
        row = session.get(Document, document_id)
        instance = session.get(Instance, row.instance_id) if row is not None and row.instance_id else None
        allowed = row is not None and (row.uploaded_by == actor_id() or (
            instance is not None and visibility.can_see_instance(session, actor_id(), instance)))
        if not allowed:
            abort(404, description=gettext("no document %(document_id)s that you can see",
                                           document_id=document_id))
        path = flows_documents.storage_path(services().config.data_dir, row.sha256)
        content_type = row.content_type if row.content_type in flows_documents.ALLOWED_TYPES else DEFAULT_TYPE
        response = send_file(path, mimetype=content_type, as_attachment=True, download_name=row.filename)
    # Always a download, never a page: and should a browser show it anyway, it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blp.route("/instances/<int(max=9223372036854775807):instance_id>/signatures", methods=["GET"])
@blp.response(200, schemas.SignatureCheckSchema(many=True))
@login_required
def verify(instance_id: int):
    """Every signature of the instance, checked against its content now: changed content breaks it (R2)."""
    with services().sessions() as session:
        instance = visible_instance(session, instance_id)
        return [check.__dict__ for check in signatures.verify(session, services().signer, instance_id, instance.data)]
