"""One notification, fanned out in the instance's transaction: a row per recipient per channel.

Each row is its own delivery record with its own retries, so a mail server that is
down never delays the in-app message, and one dead webhook does not block the others.
Which channels reach whom comes from the notification settings (`integrations.routing`);
a group's mailbox or webhook gets one row per event however many members it concerns.
"""

from __future__ import annotations

import hashlib
from typing import Any

from integrations.routing import Target
from integrations.routing_chat import CHAT_KINDS, PER_PERSON
from service.store.models import Outbox
from service.store.people_cache import Person

from .. import recipients
from .context import OperatorContext


def notification_rows(ctx: OperatorContext, users: list[Person], *, topic: str, payload: dict[str, Any], key: str,
                      only: str | None = None) -> list[Outbox]:
    """`key` names the event (e.g. ``notify:INSTANCE:TASK``); `only` is a channel the diagram insists on."""
    routing = ctx.routing
    rows, seen = [], set()
    for person in recipients.people(ctx.session, users, ctx.people):
        for target in routing.targets(person, only):
            if target.key in seen:
                continue
            seen.add(target.key)
            rows.append(ctx.add_outbox(Outbox(
                created_at=ctx.now, instance_id=ctx.instance.id, channel=target.channel, recipient_id=target.user_id,
                topic=topic, payload={**payload, **_where(target)}, dedup_key=_dedup_key(key, target),
                next_attempt_at=ctx.now)))
    return rows


def task_link(ctx: OperatorContext, element_id: str | None) -> str:
    """The page a message points to: the task it is about, else the instance."""
    task = recipients.latest_task(ctx.session, ctx.instance.id, element_id) if element_id else None
    return f"/tasks/{task.id}" if task is not None else f"/instances/{ctx.instance.id}"


def _where(target: Target) -> dict[str, str]:
    if target.channel == "email":
        return {"to": target.address}
    if target.channel == "webhook":
        return {"webhook": target.address}
    if target.channel in CHAT_KINDS:
        return {"chat": target.address}  # the settings entry whose chat it goes to
    return {}


def _dedup_key(key: str, target: Target) -> str:
    if target.address is None:
        return f"{key}:{target.user_id}:{target.channel}"
    digest = hashlib.sha256(target.address.lower().encode()).hexdigest()[:16]
    if target.channel in PER_PERSON:  # one entry (a group's WeCom app) reaching each member
        return f"{key}:{target.channel}:{digest}:{target.user_id}"
    return f"{key}:{target.channel}:{digest}"
