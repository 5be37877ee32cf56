"""Finance pushes (R6): the accepted project's invoicing data, signed acceptance and PDF summary.

One outbox row per push; its package is gathered once and handed to each configured
transport in turn (``HANDOFF_FINANCE_TRANSPORTS``):
- ``file``: a drop folder most finance systems can import without an API. The attachments
  are written first and the JSON manifest, named by the outbox row, last and atomically:
  an importer that waits for ``push-NNNNNNNN.json`` never sees half a push, and a retry
  finds the manifest and writes nothing twice.
- ``webhook``: one signed JSON POST (see `integrations.webhook`) with the attachments
  inline in base64, carrying the outbox row as its idempotency key.
The file drop runs first: it is local and idempotent, so a retry after a failed POST
only repeats the POST.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from service.store.models import Outbox

from .finance_package import DocumentBytes, FinancePackage, build_package
from .webhook import SignedPost, post_signed


class Transport(Protocol):
    def send(self, package: FinancePackage) -> None: ...


class FileDropTransport:
    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, package: FinancePackage) -> None:
        stem = f"push-{package.outbox_id:08d}"
        manifest = self.folder / f"{stem}.json"
        if manifest.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for attachment in package.attachments:
            name = f"{stem}.{attachment.role}{Path(attachment.filename).suffix.lower()}"
            _write_atomically(self.folder / name, attachment.content)
            files[attachment.role] = name
        record = {**package.record,
                  "attachments": [{**a, "file": files[a["role"]]} for a in package.record["attachments"]]}
        _write_atomically(manifest, json.dumps(record, indent=2, ensure_ascii=False, default=str).encode())


class WebhookTransport:
    def __init__(self, url: str, secret: str, timeout_s: float = 30.0):
        self.url, self.secret, self.timeout_s = url, secret, timeout_s

    def send(self, package: FinancePackage) -> None:
        inline = {a.role: base64.b64encode(a.content).decode() for a in package.attachments}
        document = {"delivery_id": package.outbox_id, "event": "finance_push", **package.record,
                    "attachments": [{**a, "content_base64": inline[a["role"]]} for a in package.record["attachments"]]}
        body = json.dumps(document, ensure_ascii=False, default=str).encode()
        post_signed(SignedPost(self.url, self.secret, body, package.outbox_id), self.timeout_s)


class FinanceChannel:
    def __init__(self, transports: list[Transport], read_document: DocumentBytes, locale: str | None = None):
        self.transports, self.read_document, self.locale = transports, read_document, locale  # summary's language

    def prepare(self, session: Session, row: Outbox) -> FinancePackage:
        return build_package(session, row, self.read_document, self.locale)

    def transmit(self, package: FinancePackage) -> None:
        for transport in self.transports:
            transport.send(package)


def finance_channel(settings, read_document: DocumentBytes, drop_dir: Path, timeout_s: float,
                    locale: str | None = None) -> FinanceChannel:
    """From `service.config.FinanceSettings`: the transports it names, in the safe order (file first)."""
    transports: list[Transport] = []
    if "file" in settings.transports:
        transports.append(FileDropTransport(drop_dir))
    if "webhook" in settings.transports:
        transports.append(WebhookTransport(settings.webhook_url, settings.webhook_secret, timeout_s))
    return FinanceChannel(transports, read_document, locale)


def _write_atomically(target: Path, content: bytes) -> None:
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)
