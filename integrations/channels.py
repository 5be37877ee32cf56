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

from service.i18n import localized, normalize
from service.store.models import Message, Outbox, User

# How any remote channel says a delivery failed for good, or must wait (first written for the team chats).
from .chat.model import Permanent, Transient

__all__ = ["Channel", "InAppChannel", "Permanent", "RemoteChannel", "Transient", "default_channels", "is_remote"]


class Channel(Protocol):
    def send(self, session: Session, row: Outbox) -> None:
        """Delivers one outbox row; raise to have the delivery retried."""


class RemoteChannel(Protocol):
    def prepare(self, session: Session, row: Outbox) -> Any:
        """Reads what the delivery needs (a read-only session); raise to have it retried."""

    def transmit(self, prepared: Any) -> None:
        """Sends it; raise (any non-success) to have the delivery retried."""


class InAppChannel:
    """Puts the message in the recipient's inbox, in the delivery's own transaction: exactly once.

    The subject is kept in the recipient's language as it is at delivery (the body keeps every
    language's ``subjects``, so a page may show another)."""

    def __init__(self, default_locale: str = "en"):
        self.default_locale = default_locale

    def send(self, session: Session, row: Outbox) -> None:
        if row.recipient_id is None:
            raise ValueError("an in-app message needs a recipient")
        person = session.get(User, row.recipient_id)
        locale = normalize(person.locale if person else None) or normalize(self.default_locale) or "en"
        subject = localized(row.payload, "subject", locale) or row.topic
        session.add(Message(recipient_id=row.recipient_id, outbox_id=row.id, instance_id=row.instance_id,
                            subject=str(subject)[:300], body=row.payload, created_at=row.created_at))


def is_remote(channel: Any) -> bool:
    return callable(getattr(channel, "transmit", None))


def default_channels(default_locale: str = "en") -> dict[str, Channel | RemoteChannel]:
    """In-app messages (see `service.runtime` for the channels built from configuration: e-mail,
    webhooks, team chats, finance transports)."""
    return {"inapp": InAppChannel(default_locale)}
