"""What a finance push carries (R6): the invoicing data, the customer's signed acceptance document, and
a PDF summary of the accepted project; gathered once per delivery, the same for every transport."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import AuditEvent, Customer, Document, Instance, Outbox, User

# Reads a stored document's bytes by its SHA-256. The flows know where uploads live and hand it over
# (see `service.flows.documents.stored_bytes`, wired by `service.runtime`): adapters never import flows.
DocumentBytes = Callable[[str], bytes]


@dataclass(frozen=True)
class Attachment:
    role: str  # acceptance_document | summary
    filename: str
    content_type: str
    content: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def describe(self) -> dict[str, Any]:
        return {"role": self.role, "filename": self.filename, "content_type": self.content_type,
                "size": len(self.content), "sha256": self.sha256}


@dataclass(frozen=True)
class FinancePackage:
    outbox_id: int
    record: dict[str, Any]  # the JSON finance imports: the push, the project, the attachments' descriptions
    attachments: list[Attachment]


def build_package(session: Session, row: Outbox, read_document: DocumentBytes,
                  locale: str | None = None) -> FinancePackage:
    """`locale`: the summary's language when the row's recipient has none of their own."""
    from .finance_summary import summary_pdf  # ReportLab loads in ~0.1 s: only in the process that pushes

    body = dict((row.payload or {}).get("body") or {})
    instance = session.get(Instance, row.instance_id) if row.instance_id else None
    project = _project(session, instance)
    documents = [(name, session.get(Document, value)) for name, value in body.items()
                 if isinstance(value, int) and (name == "document" or name.endswith("_document"))]
    attachments = [_attachment(name, document, read_document) for name, document in documents if document is not None]
    facts = {**project, "outbox_id": row.id, "pushed_at": row.created_at.isoformat(), "invoicing": body,
             "documents": {a.role: a.describe() for a in attachments}}
    summary = summary_pdf(facts, _reader_locale(session, row, locale))
    attachments.append(Attachment("summary", "summary.pdf", "application/pdf", summary))
    record = {"outbox_id": row.id, "instance_id": row.instance_id, "created_at": row.created_at.isoformat(),
              **(row.payload or {}), "project": project, "attachments": [a.describe() for a in attachments]}
    return FinancePackage(row.id, record, attachments)


def _project(session: Session, instance: Instance | None) -> dict[str, Any]:
    if instance is None:
        return {}
    customer = session.get(Customer, instance.customer_id) if instance.customer_id else None
    owner = session.get(User, instance.started_by) if instance.started_by else None
    stages = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                      AuditEvent.kind == "stage_entered").order_by(AuditEvent.id))
    return {"id": instance.id, "process": instance.process_id, "status": instance.project_status,
            "customer": customer.name if customer else None, "industry": customer.industry if customer else None,
            "owner": owner.display_name if owner else None, "started_at": instance.started_at.isoformat(),
            "stages": [{"stage": e.data.get("stage"), "entered_at": e.at.isoformat()} for e in stages]}


def _reader_locale(session: Session, row: Outbox, default: str | None) -> str | None:
    recipient = session.get(User, row.recipient_id) if row.recipient_id else None
    return (recipient.locale if recipient is not None else None) or default


def _attachment(role: str, document: Document, read_document: DocumentBytes) -> Attachment:
    content = read_document(document.sha256)
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise ValueError(f"document {document.id} on disk does not match its recorded SHA-256")
    return Attachment(role, _safe_name(document.filename), document.content_type, content)


def _safe_name(filename: str) -> str:
    """The uploader's file name, reduced to characters every file system and header takes; its extension kept
    (a Chinese name such as 验收报告.pdf becomes document.pdf)."""
    name = Path(filename).name
    suffix = re.sub(r"[^A-Za-z0-9]+", "", Path(name).suffix)[:10]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name[: len(name) - len(Path(name).suffix)]).strip("._-")
    stem = stem if re.search(r"[A-Za-z0-9]", stem) else "document"
    return f"{stem[:110]}.{suffix}" if suffix else stem[:120]
