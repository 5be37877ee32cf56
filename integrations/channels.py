"""Notification channels the outbox delivers through, chosen by name.

Two kinds, because "exactly once" means different things for them:
- a `Channel` writes only to the database (the in-app inbox): it runs inside the
  delivery's own transaction, so the message and "sent" commit together, exactly once;
- a `RemoteChannel` talks to another system (SMTP, webhooks, finance): it `prepare`s
  what to send from the database, then `transmit`s it outside any transaction, after
  the outbox has claimed the row (see `service.flows.outbox`).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from service.store.models import Message, Outbox


class Channel(Protocol):
    def send(self, session: Session, row: Outbox) -> None:
        """Delivers one outbox row; raise to have the delivery retried."""


class RemoteChannel(Protocol):
    def prepare(self, session: Session, row: Outbox) -> Any:
        """Reads what the delivery needs (a read-only session); raise to have it retried."""

    def transmit(self, prepared: Any) -> None:
        """Sends it; raise (any non-success) to have the delivery retried."""


class InAppChannel:
    """Puts the message in the recipient's inbox, in the delivery's own transaction: exactly once."""

    def send(self, session: Session, row: Outbox) -> None:
        if row.recipient_id is None:
            raise ValueError("an in-app message needs a recipient")
        session.add(Message(recipient_id=row.recipient_id, outbox_id=row.id, instance_id=row.instance_id,
                            subject=str(row.payload.get("subject", row.topic))[:300], body=row.payload,
                            created_at=row.created_at))


def is_remote(channel: Any) -> bool:
    return callable(getattr(channel, "transmit", None))


def default_channels() -> dict[str, Channel | RemoteChannel]:
    """In-app messages (see `service.runtime` for the channels built from configuration: e-mail,
    webhooks, finance transports)."""
    return {"inapp": InAppChannel()}
