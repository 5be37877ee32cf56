"""Delivering outbox rows: retried with backoff, recorded, never twice for one row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from service.store.models import Outbox

from .context import Services
from .unit_of_work import UnitOfWork

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=5)


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | retry | failed | skipped
    retry_at: datetime | None = None


def deliver(services: Services, outbox_id: int) -> Delivery:
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        query = select(Outbox).where(Outbox.id == outbox_id).with_for_update()
        row = uow.session.scalars(query).first()
        if row is None or row.status != "pending":
            return Delivery("skipped")
        channel = services.channels.get(row.channel)
        try:
            if channel is None:
                raise LookupError(f"no channel {row.channel!r} is configured")
            with uow.session.begin_nested():
                channel.send(uow.session, row)
        except Exception as error:  # noqa: BLE001 - any adapter failure is retried, never lost
            return _failed(uow, row, now, error)
        row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        uow.commit()
        return Delivery("sent")


def _failed(uow: UnitOfWork, row: Outbox, now: datetime, error: Exception) -> Delivery:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.next_attempt_at = "failed", None
    else:
        row.next_attempt_at = now + BASE_BACKOFF * (2 ** (row.attempts - 1))
    uow.commit()
    return Delivery("failed" if row.status == "failed" else "retry", row.next_attempt_at)


def due_deliveries(services: Services, until: datetime, limit: int = 1000) -> list[int]:
    with services.sessions() as session:
        query = (select(Outbox.id).where(Outbox.status == "pending", Outbox.next_attempt_at <= until)
                 .order_by(Outbox.next_attempt_at).limit(limit))
        return list(session.scalars(query))
