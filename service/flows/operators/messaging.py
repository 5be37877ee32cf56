"""Operators that send: notify people, escalate up the org chart, push to another system."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from service.engine.specs import OperatorCall
from service.store.models import Outbox, Task

from .. import audit, recipients
from .context import OperatorContext

RESERVED = {"to", "channel", "subject", "unless_claimed"}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _claimed(ctx: OperatorContext, element_id: str) -> bool:
    task = ctx.session.scalars(select(Task).where(Task.instance_id == ctx.instance.id, Task.element_id == element_id)
                               .order_by(Task.id.desc()).limit(1)).first()
    return task is not None and task.assignee_id is not None


def _send(ctx: OperatorContext, call: OperatorCall, kind: str) -> dict:
    unless = call.params.get("unless_claimed")
    if unless and _claimed(ctx, str(unless)):  # e.g. a lead somebody already opened is not urgent
        audit.record(ctx.session, ctx.now, f"{kind}_skipped", instance_id=ctx.instance.id,
                     element_id=call.element_id, data={"reason": f"{unless} is claimed"})
        return {f"{call.element_id}_sent_to": []}
    channel = str(call.params.get("channel") or "inapp")
    subject = str(call.params.get("subject") or call.element_id)
    users = recipients.resolve(ctx.session, ctx.instance, str(ctx.require(call, "to")))
    body = {k: _jsonable(v) for k, v in call.params.items() if k not in RESERVED}
    for user in users:
        ctx.add_outbox(Outbox(
            created_at=ctx.now, instance_id=ctx.instance.id, channel=channel, recipient_id=user.id, topic=kind,
            payload={"subject": subject[:300], "element_id": call.element_id, "kind": kind, "body": body},
            dedup_key=f"{kind}:{ctx.instance.id}:{call.task_id}:{user.id}:{channel}", next_attempt_at=ctx.now,
        ))
    audit.record(ctx.session, ctx.now, kind, instance_id=ctx.instance.id, element_id=call.element_id,
                 data={**body, "recipients": [u.username for u in users], "subject": subject, "channel": channel})
    return {f"{call.element_id}_sent_to": [u.username for u in users]}


def notify(ctx: OperatorContext, call: OperatorCall) -> dict:
    """``to`` (see `recipients`), ``subject``, optional ``channel`` and ``unless_claimed`` (a task element:
    send nothing once someone has claimed it); other parameters form the body."""
    return _send(ctx, call, "notify")


def escalate(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Like notify, but logged as an escalation (R9): managers' views list these."""
    return _send(ctx, call, "escalate")


def push(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Sends the parameters to another system (``channel``: finance, crm...) through the outbox."""
    channel = str(ctx.require(call, "channel"))
    body = {k: _jsonable(v) for k, v in call.params.items() if k != "channel"}
    ctx.add_outbox(Outbox(
        created_at=ctx.now, instance_id=ctx.instance.id, channel=channel, recipient_id=None, topic="push",
        payload={"element_id": call.element_id, "instance_id": ctx.instance.id, "body": body},
        dedup_key=f"push:{ctx.instance.id}:{call.task_id}:{channel}", next_attempt_at=ctx.now,
    ))
    audit.record(ctx.session, ctx.now, "push", instance_id=ctx.instance.id, element_id=call.element_id,
                 data={**body, "channel": channel})
    return {f"{call.element_id}_pushed": True}
