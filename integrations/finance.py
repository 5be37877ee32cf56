"""Finance pushes (R6): the accepted project's invoicing data, dropped as a file for the finance system.

A file drop is what most finance systems can import without an API. Each push is
written once, atomically, named by its outbox row, so a retried delivery never
produces a second file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy.orm import Session

from service.store.models import Outbox


class FileDropChannel:
    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, session: Session, row: Outbox) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"push-{row.id:08d}.json"
        if target.exists():
            return
        document = {"outbox_id": row.id, "instance_id": row.instance_id, "created_at": row.created_at.isoformat(),
                    **row.payload}
        temporary = target.with_suffix(".part")
        temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(temporary, target)
