"""What each instance waits for (messages and signals), kept in the `waiting_event` table.

The engine's state says what an instance would catch, but reading it means loading and
restoring every instance. So `settle` writes the answer down at each step, in the same
transaction as the state: a correlation or a signal then finds its instances with one indexed
query on (kind, name), and only those are restored (the engine checks again when it catches).
A row is never trusted further than that: an instance that stopped running is filtered out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from service.engine.messages import Wait, catches_any
from service.store.models import Instance, WaitingEvent

from .context import Services

WAITS = WaitingEvent.__table__


def sync(services: Services, session: Session, instance: Instance, waits: list[Wait], now: datetime) -> None:
    """Makes the instance's rows match `waits` (none once it is no longer running)."""
    wanted = {(w.kind, w.name, w.element_id): w for w in waits} if instance.status == "running" else {}
    if not wanted and not _may_have_rows(services, instance):
        return
    rows = session.execute(select(WAITS.c.id, WAITS.c.kind, WAITS.c.name, WAITS.c.element_id)
                           .where(WAITS.c.instance_id == instance.id)).all()
    have = {(r.kind, r.name, r.element_id): r.id for r in rows}
    gone = [row_id for key, row_id in have.items() if key not in wanted]
    if gone:
        session.execute(delete(WAITS).where(WAITS.c.id.in_(gone)))
    new = [{"instance_id": instance.id, "kind": w.kind, "name": w.name, "element_id": w.element_id,
            "interrupting": w.interrupting, "attached_to": w.attached_to, "since": now}
           for key, w in wanted.items() if key not in have]
    if new:
        session.execute(insert(WAITS), new)


_CATCHES: dict[str, bool] = {}  # content hash -> does that version catch any message or signal


def _may_have_rows(services: Services, instance: Instance) -> bool:
    """A process version with no message or signal catch never has rows: no query at its every step."""
    ref = instance.process_version.content_hash
    if ref not in _CATCHES:
        parsed = services.library.get(ref)
        _CATCHES[ref] = catches_any(parsed.spec, parsed.subprocess_specs)
    return _CATCHES[ref]


@dataclass(frozen=True)
class Waiting:
    """One thing an instance waits for, as people and partner systems read it."""

    kind: str
    name: str
    element_id: str
    interrupting: bool | None
    attached_to: str | None
    since: datetime


def of_instance(session: Session, instance_id: int) -> list[Waiting]:
    rows = session.scalars(select(WaitingEvent).where(WaitingEvent.instance_id == instance_id)
                           .order_by(WaitingEvent.kind, WaitingEvent.name, WaitingEvent.element_id))
    return [Waiting(r.kind, r.name, r.element_id, r.interrupting, r.attached_to, r.since) for r in rows]


def waiting_for(services: Services, instance_id: int) -> list[Waiting]:
    """What a running instance waits for now (for a driver, a page, an API view); [] for any other."""
    with services.sessions() as session:
        status = session.scalar(select(Instance.status).where(Instance.id == instance_id))
        return of_instance(session, instance_id) if status == "running" else []


def waiting_names(services: Services, instance_id: int) -> list[tuple[str, str]]:
    """(kind, name) pairs the instance would catch now, e.g. [("message", "payment_confirmed")]."""
    return sorted({(w.kind, w.name) for w in waiting_for(services, instance_id)})


def instances_waiting(session: Session, kind: str, name: str) -> list[int]:
    """Ids of running instances that wait for this message or signal, oldest first."""
    return list(session.scalars(
        select(WaitingEvent.instance_id).join(Instance, Instance.id == WaitingEvent.instance_id)
        .where(WaitingEvent.kind == kind, WaitingEvent.name == name, Instance.status == "running")
        .distinct().order_by(WaitingEvent.instance_id)))
