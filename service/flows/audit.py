"""Appending to the operation log (R10). Nothing here updates or deletes.

Entries are buffered on the session and written with one multi-row INSERT when
the session flushes, so a use case that logs five facts pays for one statement.
They commit or roll back with everything else in the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from service.store.models import AuditEvent, Task

BUFFER = "handoff_audit_rows"
INSERT = insert(AuditEvent.__table__)  # built once: building a statement costs more than running it


def record(session: Session, at: datetime, kind: str, *, instance_id: int | None = None,
           task_id: int | None = None, actor_id: int | None = None, element_id: str | None = None,
           task_row: Task | None = None, data: dict[str, Any] | None = None, **more: Any) -> None:
    """Appends one entry. `data` carries names chosen in a diagram (they may be any word);
    `task_row` may be a task not yet written: its id is taken when the entry is."""
    row = {"at": at, "kind": kind, "instance_id": instance_id, "task_id": task_id, "actor_id": actor_id,
           "element_id": element_id, "data": jsonable({**(data or {}), **more})}
    session.info.setdefault(BUFFER, []).append((row, task_row))


@contextmanager
def held(session: Session) -> Iterator[None]:
    """Entries recorded so far stay buffered through a flush inside this block (one INSERT at commit)."""
    rows = session.info.pop(BUFFER, None)
    try:
        yield
    finally:
        if rows:
            session.info[BUFFER] = rows + session.info.get(BUFFER, [])


@event.listens_for(Session, "after_flush")
def _write_buffered(session: Session, _flush_context) -> None:
    rows = session.info.pop(BUFFER, None)
    if rows:
        values = [{**row, "task_id": task.id if task is not None else row["task_id"]} for row, task in rows]
        session.connection().execute(INSERT, values)


@event.listens_for(Session, "before_commit")
def _flush_before_commit(session: Session) -> None:
    if session.info.get(BUFFER):
        session.flush()
        _write_buffered(session, None)  # a flush with no ORM changes does not fire after_flush


@event.listens_for(Session, "after_rollback")
def _drop_buffered(session: Session) -> None:
    session.info.pop(BUFFER, None)


def jsonable(value):
    """Dates as ISO text, tuples as lists: what a JSON column stores."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value

