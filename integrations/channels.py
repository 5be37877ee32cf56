"""Notification channels the outbox delivers through, chosen by name."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from service.store.models import Message, Outbox


class Channel(Protocol):
    def send(self, session: Session, row: Outbox) -> None:
        """Delivers one outbox row; raise to have the delivery retried."""


class InAppChannel:
    """Puts the message in the recipient's inbox, in the delivery's own transaction: exactly once."""

    def send(self, session: Session, row: Outbox) -> None:
        if row.recipient_id is None:
            raise ValueError("an in-app message needs a recipient")
        session.add(Message(recipient_id=row.recipient_id, outbox_id=row.id, instance_id=row.instance_id,
                            subject=str(row.payload.get("subject", row.topic))[:300], body=row.payload,
                            created_at=row.created_at))


def default_channels(data_dir: Path | None = None) -> dict[str, Channel]:
    """In-app messages; finance pushes dropped as files under the data folder."""
    from .finance import FileDropChannel

    channels: dict[str, Channel] = {"inapp": InAppChannel()}
    if data_dir is not None:
        channels["finance"] = FileDropChannel(data_dir / "finance-drop")
    return channels
