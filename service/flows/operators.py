"""Generic operators that BPMN service tasks call by topic (``camunda:topic``).

An operator runs inside the instance's transaction: what it writes (outbox rows,
audit events) commits or rolls back with the engine step that called it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from service.engine.specs import OperatorCall
from service.store.models import Instance, Outbox

from . import audit, recipients
from .errors import ProcessFailed


@dataclass
class OperatorContext:
    session: Session
    instance: Instance
    now: datetime
    new_outbox: list[Outbox] = field(default_factory=list)

    def __call__(self, call: OperatorCall) -> dict | None:
        handler = OPERATORS.get(call.topic)
        if handler is None:
            raise ProcessFailed(f"service task {call.element_id}: unknown operator {call.topic!r}")
        return handler(self, call)


def notify(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Queues a message for each recipient of ``to`` on ``channel`` (default in-app)."""
    to = call.params.get("to")
    if not to:
        raise ProcessFailed(f"service task {call.element_id}: notify needs a 'to' parameter")
    channel = call.params.get("channel", "inapp")
    subject = str(call.params.get("subject") or call.element_id)
    users = recipients.resolve(ctx.session, ctx.instance, str(to))
    for user in users:
        row = Outbox(
            created_at=ctx.now, instance_id=ctx.instance.id, channel=channel, recipient_id=user.id,
            topic="notify", payload={"subject": subject, "element_id": call.element_id,
                                     "params": {k: str(v) for k, v in call.params.items()}},
            dedup_key=f"notify:{ctx.instance.id}:{call.task_id}:{user.id}:{channel}", next_attempt_at=ctx.now,
        )
        ctx.session.add(row)
        ctx.new_outbox.append(row)
    audit.record(ctx.session, ctx.now, "notify", instance_id=ctx.instance.id, element_id=call.element_id,
                 recipients=[u.username for u in users], subject=subject, channel=channel)
    return {f"{call.element_id}_notified": [u.username for u in users]}


OPERATORS: dict[str, Callable[[OperatorContext, OperatorCall], dict | None]] = {
    "notify": notify,
}
