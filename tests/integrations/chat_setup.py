"""Shared by the team-chat tests: people's chat ids and mobiles, and outbox rows delivered through the outbox."""

from __future__ import annotations

from sqlalchemy import select

from service.clock import utcnow
from service.store.models import Outbox, User

MOBILES = {"rep": "13800000001", "sales_mgr": "13800000002", "rep2": "13800000003"}
DING_SECRET = "SEC-dingtalk-secret-0123456789"
APP_SECRET = "app-secret"


def give_chat_ids(services, **locales) -> None:
    """Rep, manager and rep2 get mobiles and WeCom / DingTalk ids; `locales` sets people's languages."""
    with services.sessions() as session:
        for user in session.scalars(select(User).where(User.username.in_(list(MOBILES)))):
            user.mobile = MOBILES[user.username]
            user.chat_ids = {"wecom": f"wx_{user.username}", "dingtalk": f"dt_{user.username}"}
            user.locale = locales.get(user.username, user.locale)
        session.commit()


def add_row(services, channel: str, chat: str, *, recipient_id: int | None = None, strength: str = "normal",
            mentions: list[int] | None = None, **payload) -> int:
    """An outbox row as `notify` writes it, handed to the dispatcher (so `run_jobs` delivers it)."""
    now = utcnow()
    body = {"subject": "Lead Northside High waits", "kind": "notify", "body": {"company": "Northside High"},
            "link": "/instances/1", "chat": chat, "strength": strength, **payload}
    if mentions is not None:
        body["mentions"] = mentions
    with services.sessions() as session:
        row = Outbox(created_at=now, instance_id=None, channel=channel, recipient_id=recipient_id, topic="notify",
                     payload=body, dedup_key=f"test:{channel}:{chat}:{now.timestamp()}:{recipient_id}",
                     next_attempt_at=now)
        session.add(row)
        session.commit()
        row_id = row.id
    services.outbox.dispatch([row_id])
    return row_id


def row(services, row_id: int) -> Outbox:
    with services.sessions() as session:
        return session.get(Outbox, row_id)
