"""Operators that send: notify people, escalate up the org chart, push to another system."""

from __future__ import annotations

import json
from typing import Any

from service.engine.specs import OperatorCall
from service.i18n import Text
from service.store.models import Outbox

from .. import audit, recipients
from ..errors import ProcessFailed
from . import fanout
from .context import OperatorContext
from .subjects import localized_facts, localized_subjects

RESERVED = {"to", "channel", "subject", "unless_claimed", "strength"}
STRENGTHS = ("normal", "strong")


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _claimed(ctx: OperatorContext, element_id: str) -> bool:
    task = recipients.latest_task(ctx.session, ctx.instance.id, element_id)
    return task is not None and task.assignee_id is not None


def _strength(call: OperatorCall, kind: str) -> str:
    """``strong`` @-mentions the recipients in team chats; escalations are strong unless the diagram says not."""
    strength = str(call.params.get("strength") or ("strong" if kind == "escalate" else "normal")).strip().lower()
    if strength not in STRENGTHS:
        raise ProcessFailed(Text("service task %(element)s: strength must be strong or normal, not '%(strength)s'",
                                 element=call.element_id, strength=strength))
    return strength


def _send(ctx: OperatorContext, call: OperatorCall, kind: str) -> dict:
    unless = call.params.get("unless_claimed")
    if unless and _claimed(ctx, str(unless)):  # e.g. a lead somebody already opened is not urgent
        audit.record(ctx.session, ctx.now, f"{kind}_skipped", instance_id=ctx.instance.id,
                     element_id=call.element_id, data={"reason": f"{unless} is claimed"})
        return {f"{call.element_id}_sent_to": []}
    only = str(call.params["channel"]) if call.params.get("channel") else None
    subject = str(call.params.get("subject") or call.element_id)
    to = str(ctx.require(call, "to"))
    users = recipients.resolve(ctx.session, ctx.instance, to, ctx.people)
    body = {k: _jsonable(v) for k, v in call.params.items() if k not in RESERVED}
    about = call.params.get("task") or recipients.task_element(to)
    strength = _strength(call, kind)
    payload = {"subject": subject[:300], "element_id": call.element_id, "kind": kind, "body": body,
               "link": fanout.task_link(ctx, str(about) if about else None), "strength": strength}
    payload["subjects"] = localized_subjects(ctx, call)  # the diagram's translated subjects, same data
    payload["facts"] = localized_facts(ctx, call, body)  # and its facts' words, values as typed
    if strength == "strong":
        payload["mentions"] = [u.id for u in users]  # whom a chat @s: the people `to` names (e.g. rep and manager)
    rows = fanout.notification_rows(ctx, users, topic=kind, payload=payload, only=only,
                                    key=f"{kind}:{ctx.instance.id}:{call.task_id}")
    audit.record(ctx.session, ctx.now, kind, instance_id=ctx.instance.id, element_id=call.element_id,
                 data={**body, "recipients": [u.username for u in users], "subject": subject, "strength": strength,
                       "subjects": payload["subjects"], "channels": sorted({r.channel for r in rows})})
    return {f"{call.element_id}_sent_to": [u.username for u in users]}


def notify(ctx: OperatorContext, call: OperatorCall) -> dict:
    """``to`` (see `recipients`), ``subject``, optional ``channel`` (only that channel, whatever the
    notification settings say), ``unless_claimed`` (a task element: send nothing once someone has
    claimed it) and ``strength`` (``normal``, or ``strong``: team chats @-mention the recipients);
    other parameters form the body. Messages link to the task named by a ``task``
    parameter or by an ``assignee:TASK`` recipient, else to the instance."""
    return _send(ctx, call, "notify")


def escalate(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Like notify, but logged as an escalation (R9): managers' views list these; ``strength`` is
    ``strong`` unless the diagram says ``normal``."""
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
