"""Deliveries an operator looks after: the outbox rows that gave up, and sending them again.

A row that failed `MAX_ATTEMPTS` times stays `failed` until someone fixed the receiver and
resends it. A resend keeps the row (its id and its dedup key), so what receivers see as the
message's identity (the webhook's Idempotency-Key, the e-mail's Message-ID) does not change and a
receiver that had got it after all drops the copy. Admins only (`operation_rules.may_admin`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from service.i18n import Text
from service.store.models import Outbox, User

from . import audit, operation_rules
from .context import Services
from .errors import Conflict, NotFound, status_word
from .unit_of_work import UnitOfWork

STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class DeliveryFilter:
    status: str | None = "failed"
    channel: str | None = None
    instance_id: int | None = None
    page: int = 1
    per_page: int = 50


def list_deliveries(services: Services, actor_id: int, where: DeliveryFilter) -> list[dict]:
    """Newest first; each with the recipient's name and the receiver's last words."""
    with services.sessions() as session:
        operation_rules.may_admin(session, actor_id, "resend")
        query = select(Outbox, User.display_name, User.username).outerjoin(User, User.id == Outbox.recipient_id)
        if where.status:
            query = query.where(Outbox.status == where.status)
        if where.channel:
            query = query.where(Outbox.channel == where.channel)
        if where.instance_id is not None:
            query = query.where(Outbox.instance_id == where.instance_id)
        query = query.order_by(Outbox.id.desc()).limit(where.per_page).offset((where.page - 1) * where.per_page)
        return [_view(row, name, username) for row, name, username in session.execute(query)]


def _view(row: Outbox, name: str | None, username: str | None) -> dict:
    return {"id": row.id, "channel": row.channel, "topic": row.topic, "instance_id": row.instance_id,
            "recipient": name or username, "recipient_username": username, "status": row.status,
            "attempts": row.attempts, "last_error": row.last_error, "created_at": row.created_at,
            "next_attempt_at": row.next_attempt_at, "sent_at": row.sent_at, "dedup_key": row.dedup_key}


def resend(services: Services, outbox_id: int, actor_id: int) -> dict:
    """A failed row goes back to pending with its attempts reset, and is queued at once."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        operation_rules.may_admin(uow.session, actor_id, "resend")
        row = uow.session.get(Outbox, outbox_id)
        if row is None:
            raise NotFound(Text("no delivery %(outbox_id)s", outbox_id=outbox_id))
        if row.status != "failed":
            raise Conflict(Text("delivery %(outbox_id)s is %(status)s: only a failed delivery is resent",
                                outbox_id=outbox_id, status=status_word(row.status)))
        _requeue(uow, [row.id], now)
        audit.record(uow.session, now, "delivery_resent", instance_id=row.instance_id, actor_id=actor_id,
                     outbox_ids=[row.id], channel=row.channel, previous_error=row.last_error)
        uow.after_commit(lambda: services.signal_committed([], [outbox_id]))
        uow.commit()
    return {"resent": [outbox_id]}


def resend_channel(services: Services, channel: str, actor_id: int) -> dict:
    """Every failed row of one channel (the receiver is fixed), in one transaction; says which."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        operation_rules.may_admin(uow.session, actor_id, "resend")
        ids = list(uow.session.scalars(select(Outbox.id).where(Outbox.channel == channel, Outbox.status == "failed")
                                       .order_by(Outbox.id)))
        if ids:
            _requeue(uow, ids, now)
            audit.record(uow.session, now, "delivery_resent", actor_id=actor_id, outbox_ids=ids, channel=channel)
            uow.after_commit(lambda: services.signal_committed([], ids))
        uow.commit()
    return {"resent": ids}


def _requeue(uow: UnitOfWork, ids: list[int], now) -> None:
    uow.session.execute(update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "failed")
                        .values(status="pending", attempts=0, next_attempt_at=now)
                        .execution_options(synchronize_session=False))
