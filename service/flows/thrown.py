"""Messages and signals a process throws to other instances: through the outbox, one instance at a time.

A throw event, send task or message end event whose message nothing in its own instance catches
is not lost. `settle` writes it as an outbox row (channel ``bpmn``) in the thrower's transaction;
the outbox job hands it to `ThrownEvents`, which delivers it like a partner system's call
(`events.correlate` / `events.broadcast`), each receiving instance in its own transaction.

- A **message** goes to the one instance waiting for it with the thrower's business key (any
  waiting instance when the thrower has none), or starts a process with that message start.
  Nobody waiting yet is retried with the outbox's backoff (the receiver may not be there yet),
  then recorded as failed with the reason; so is a correlation that matches several instances.
- A **signal** reaches every instance waiting for it and starts its signal-start processes;
  nobody listening is no error (a signal is a broadcast).
The outbox delivers at least once: a worker that dies after the delivery committed and before
"sent" was recorded sends again, and the receiver catches it again only if it waits for it again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.engine.messages import MESSAGE, SIGNAL, thrown
from service.store.models import Outbox

from .context import Services
from .errors import NotFound

CHANNEL = "bpmn"


def to_outbox(ctx, workflow) -> None:
    """Takes what the workflow threw and nobody in it caught, and adds one outbox row per event."""
    instance = ctx.instance
    for index, (kind, name, payload) in enumerate(thrown(workflow)):
        ctx.add_outbox(Outbox(
            created_at=ctx.now, instance_id=instance.id, channel=CHANNEL, recipient_id=None,
            topic=f"{kind}:{name}"[:100], next_attempt_at=ctx.now,
            payload={"kind": kind, "name": name, "payload": payload, "business_key": instance.business_key,
                     "from_instance": instance.id},
            dedup_key=f"bpmn:{instance.id}:{instance.row_version}:{index}"))


class ThrownEvents:
    """The outbox channel that delivers a thrown message or signal to the instances waiting for it."""

    def __init__(self, services: Services):
        self.services = services

    def __repr__(self) -> str:  # the services hold this channel: no recursion in their repr
        return "ThrownEvents()"

    def prepare(self, session: Session, row: Outbox) -> dict:
        return dict(row.payload)

    def transmit(self, prepared: dict) -> None:
        from . import events

        name, payload = prepared["name"], prepared.get("payload") or {}
        if prepared["kind"] == SIGNAL:
            try:
                events.broadcast(self.services, name, payload)
            except NotFound:
                return  # nobody listens: a signal is a broadcast
            return
        if prepared["kind"] == MESSAGE:
            correlation = events.Correlation(business_key=prepared.get("business_key"))
            try:
                events.correlate(self.services, name, correlation, payload)
            except NotFound:
                if correlation.business_key is None:
                    raise
                events.correlate(self.services, name, events.Correlation(), payload)  # no such key: anyone
