"""Delivering outbox rows: retried with backoff, recorded, never twice for one row.

The row is the delivery record: ``status`` (pending, sending, sent, failed), ``attempts``,
``last_error``, ``sent_at``. Two ways to deliver, by the kind of channel:

- In-app (a `Channel`): the inbox message and "sent" commit in one transaction with the
  row locked, and ``message.outbox_id`` is unique: exactly once.
- Another system (a `RemoteChannel`: e-mail, webhook, team chat, finance): one short transaction
  *claims* the row (pending -> sending, attempts + 1, a lease until ``next_attempt_at``)
  with a single conditional UPDATE, which only one worker can win on SQLite and
  PostgreSQL alike; a second job for the same row finds it taken and does nothing. The
  message is sent outside any transaction (no lock is held across the network), then the
  outcome is recorded, fenced by the attempt number so a late worker cannot overwrite a
  newer attempt.

The remaining window, honestly: a worker that dies after the receiver accepted a message
and before "sent" is recorded (milliseconds) leaves the row ``sending``. After the lease
the sweeper hands it to another worker, which sends it again: at least once, never
silently lost. The copy carries the same identity (the e-mail's ``Message-ID``, the
webhook's ``Idempotency-Key``, the finance file's name), so the receiver can drop it.

A channel says how it failed: `Permanent` (the receiver refused it for good: failed at once, with
the receiver's words in ``last_error``) or `Transient` with ``retry_after_s`` (a rate limit: not
retried before then); any other error is retried with the backoff.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from integrations.channels import Permanent, Transient, is_remote
from service.store.models import Outbox
from service.store.outage import database_unavailable

from .context import Services
from .unit_of_work import UnitOfWork

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=5)
LEASE = timedelta(minutes=15)  # longer than any send may take (SMTP and webhook timeouts are seconds)
RECORD_PATIENCE_S = 30.0  # how long an outcome waits for a database that went away during the send
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | retry | failed | skipped
    retry_at: datetime | None = None


def deliver(services: Services, outbox_id: int) -> Delivery:
    with services.sessions() as session:
        name = session.scalar(select(Outbox.channel).where(Outbox.id == outbox_id))
    if name is None:
        return Delivery("skipped")
    channel = services.channels.get(name)
    if is_remote(channel):
        return _deliver_remote(services, outbox_id, channel)
    return _deliver_in_transaction(services, outbox_id, channel)


def _deliver_in_transaction(services: Services, outbox_id: int, channel) -> Delivery:
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        query = select(Outbox).where(Outbox.id == outbox_id).with_for_update()
        row = uow.session.scalars(query).first()
        if row is None or row.status != "pending":
            return Delivery("skipped")
        try:
            if channel is None:
                raise LookupError(f"no channel {row.channel!r} is configured")
            with uow.session.begin_nested():
                channel.send(uow.session, row)
        except Exception as error:  # noqa: BLE001 - any adapter failure is retried, never lost
            row.attempts += 1
            row.status, row.next_attempt_at, row.last_error = _after_failure(row.attempts, now, error)
            uow.commit()
            return Delivery(_outcome(row.status), row.next_attempt_at)
        row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        uow.commit()
        return Delivery("sent")


def _deliver_remote(services: Services, outbox_id: int, channel) -> Delivery:
    attempt = _claim(services, outbox_id, services.clock())
    if attempt is None:
        return Delivery("skipped")  # sent, failed, or another worker holds it
    try:
        with services.sessions() as session:
            prepared = channel.prepare(session, session.get(Outbox, outbox_id))
        channel.transmit(prepared)
    except Exception as error:  # noqa: BLE001 - any adapter failure is retried, never lost
        status, retry_at, last_error = _after_failure(attempt, services.clock(), error)
        _record(services, outbox_id, attempt, status=status, next_attempt_at=retry_at, last_error=last_error)
        return Delivery(_outcome(status), retry_at)
    _record(services, outbox_id, attempt, status="sent", sent_at=services.clock(), next_attempt_at=None)
    return Delivery("sent")


def _claim(services: Services, outbox_id: int, now: datetime) -> int | None:
    """pending (or sending past its lease) -> sending, in one statement; the new attempt number if we won."""
    claimable = or_(Outbox.status == "pending", and_(Outbox.status == "sending", Outbox.next_attempt_at <= now))
    with UnitOfWork(services.sessions) as uow:
        result = uow.session.execute(
            update(Outbox).where(Outbox.id == outbox_id, claimable)
            .values(status="sending", attempts=Outbox.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return None
        attempt = uow.session.scalar(select(Outbox.attempts).where(Outbox.id == outbox_id))
        uow.commit()
        return attempt


def _record(services: Services, outbox_id: int, attempt: int, **values) -> None:
    """Writes the outcome; waits out a short database outage (else the row would stay `sending` a whole lease).

    The send has happened by now: only its record is missing, and writing it later is always right.
    """
    pause, waited = 0.5, 0.0
    while True:
        try:
            return _record_once(services, outbox_id, attempt, **values)
        except Exception as error:
            if not database_unavailable(error) or waited >= RECORD_PATIENCE_S:
                raise
            if not waited:
                log.warning("outbox %s: the database went away after the send; recording it when it is back",
                            outbox_id)
        time.sleep(pause)  # real time: the database is coming back, no business time moves
        waited, pause = waited + pause, min(pause * 2, 5.0)


def _record_once(services: Services, outbox_id: int, attempt: int, **values) -> None:
    """Writes the outcome unless a newer attempt took the row over (its lease had run out)."""
    with UnitOfWork(services.sessions) as uow:
        uow.session.execute(update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "sending",
                                                 Outbox.attempts == attempt)
                            .values(**values).execution_options(synchronize_session=False))
        uow.commit()


def _after_failure(attempts: int, now: datetime, error: Exception) -> tuple[str, datetime | None, str]:
    """A receiver's `Permanent` refusal fails at once, in its own words; a `Transient` one waits at least
    as long as the receiver asked (``retry_after_s``); anything else backs off and gives up after
    `MAX_ATTEMPTS`."""
    if isinstance(error, Permanent):
        return "failed", None, str(error)[:2000] or type(error).__name__
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        return "failed", None, last_error
    retry_at = now + BASE_BACKOFF * (2 ** (attempts - 1))
    wait = getattr(error, "retry_after_s", None) if isinstance(error, Transient) else None
    if wait:
        retry_at = max(retry_at, now + timedelta(seconds=float(wait)))
    return "pending", retry_at, last_error


def _outcome(status: str) -> str:
    return "failed" if status == "failed" else "retry"


def due_deliveries(services: Services, until: datetime, limit: int = 1000) -> list[int]:
    """Rows whose retry is due, and rows left ``sending`` by a worker that died (lease run out)."""
    with services.sessions() as session:
        query = (select(Outbox.id).where(Outbox.status.in_(("pending", "sending")), Outbox.next_attempt_at <= until)
                 .order_by(Outbox.next_attempt_at).limit(limit))
        return list(session.scalars(query))
