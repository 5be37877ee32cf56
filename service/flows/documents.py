"""Uploaded documents: stored by content hash beside the database, referenced by id from form data.

Files never go into the serialized workflow; a form field declares
``"format": "document"`` and holds a document id, which is checked here. A document named by a
form becomes its instance's (`attach`), in the completion's transaction: from then on everyone who
can see the instance can open it (R6), not only its uploader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store import queries
from service.store.models import Document

from . import audit, document_types
from .context import Services
from .errors import FormInvalid
from .unit_of_work import UnitOfWork

ALLOWED_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What a file chooser offers (its `accept`): the allowed types, and their endings for pickers that go by name.
ACCEPT = ",".join(sorted(ALLOWED_TYPES) + [".pdf", ".png", ".jpg", ".jpeg", ".txt", ".docx", ".xlsx"])


@dataclass(frozen=True)
class Stored:
    id: int
    sha256: str
    size: int


def storage_path(root: Path, sha256: str) -> Path:
    return root / "documents" / sha256[:2] / sha256


def stored_bytes(root: Path) -> Callable[[str], bytes]:
    """What adapters (the finance push) are handed to read a document by its SHA-256: they don't know where
    uploads live."""
    return lambda sha256: storage_path(root, sha256).read_bytes()


def upload(services: Services, content: bytes, filename: str, content_type: str, actor_id: int | None,
           instance_id: int | None = None) -> Stored:
    """Stores a file after checking its size, its declared type and that its bytes are of that type;
    the same bytes are stored once."""
    errors, limit = {}, services.config.max_upload_bytes  # HANDOFF_MAX_UPLOAD_MB
    if not content:
        errors["file"] = [Text("the file is empty")]
    elif len(content) > limit:
        errors["file"] = [Text("the file is larger than %(max_upload_mb)s MB",
                               max_upload_mb=format(services.config.max_upload_mb, 'g'))]
    if content_type not in ALLOWED_TYPES:
        errors["content_type"] = [Text("%(content_type)r is not accepted (PDF, PNG, JPEG, text, Word, Excel)",
                                       content_type=content_type)]
    elif content and (why := document_types.contradiction(content, content_type)):
        errors["file"] = [why]
    if errors:
        raise FormInvalid(Text("the document was refused"), errors)
    digest = hashlib.sha256(content).hexdigest()
    path = storage_path(services.config.data_dir, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        row = Document(sha256=digest, filename=filename[:300], content_type=content_type, size=len(content),
                       instance_id=instance_id, uploaded_by=actor_id, uploaded_at=now)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, now, "document_uploaded", instance_id=instance_id, actor_id=actor_id,
                     document_id=row.id, sha256=digest, filename=row.filename, size=row.size)
        uow.commit()
        return Stored(row.id, digest, row.size)


def document_fields(schema: dict | None) -> list[str]:
    properties = (schema or {}).get("properties", {})
    return [name for name, spec in properties.items() if isinstance(spec, dict) and spec.get("format") == "document"]


def check_references(session: Session, schema: dict | None, data: dict, instance_id: int | None,
                     actor_id: int | None) -> None:
    """Each document field must name a document uploaded by the actor or attached to this instance.

    `instance_id` None (a start form: no instance yet): only the actor's own uploads.
    """
    errors = {}
    for name in document_fields(schema):
        if name not in data:
            continue
        row = queries.by_id(session, Document, data[name]) if isinstance(data[name], int) else None
        attached_here = row is not None and instance_id is not None and row.instance_id == instance_id
        if row is None or (row.uploaded_by != actor_id and not attached_here):
            errors[name] = [Text("document %(detail)r does not exist or is not yours to attach",
                                 detail=data[name])]
    if errors:
        raise FormInvalid(Text("document references are invalid"), errors)


def attach(session: Session, schema: dict | None, data: dict, instance_id: int, at=None,
           actor_id: int | None = None) -> list[int]:
    """Links the documents the form's document fields name to `instance_id`, in the caller's transaction.

    Only a document that belongs to no instance yet is linked (one uploaded without ``instance_id``,
    as the API and the demo do); one already another instance's stays where it is. Each link is a log
    entry (`at`: the flow's time), since it changes who may open the file. Returns the ids linked.
    """
    ids = sorted({data[name] for name in document_fields(schema)
                  if isinstance(data.get(name), int) and not isinstance(data.get(name), bool)})
    if not ids:
        return []
    free = list(session.scalars(select(Document.id).where(Document.id.in_(ids), Document.instance_id.is_(None))))
    if free:
        session.execute(update(Document).where(Document.id.in_(free), Document.instance_id.is_(None))
                        .values(instance_id=instance_id).execution_options(synchronize_session="fetch"))
        if at is not None:
            for document_id, filename in session.execute(select(Document.id, Document.filename)
                                                         .where(Document.id.in_(free)).order_by(Document.id)):
                audit.record(session, at, "document_attached", instance_id=instance_id, actor_id=actor_id,
                             document_id=document_id, filename=filename)
    return free
