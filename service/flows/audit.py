"""Appending to the operation log (R10). Nothing here updates or deletes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.store.models import AuditEvent, Task


def record(session: Session, at: datetime, kind: str, *, instance_id: int | None = None,
           task_id: int | None = None, actor_id: int | None = None, element_id: str | None = None,
           task_row: Task | None = None, data: dict[str, Any] | None = None, **more: Any) -> AuditEvent:
    """Appends one entry. `data` carries names chosen in a diagram (they may be any word);
    `task_row` may be a row not yet flushed: its id is filled in when the transaction is written."""
    event = AuditEvent(at=at, kind=kind, instance_id=instance_id, task_id=task_id, actor_id=actor_id,
                       element_id=element_id, data=_jsonable({**(data or {}), **more}))
    if task_row is not None:
        event.task = task_row
    session.add(event)
    return event


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
