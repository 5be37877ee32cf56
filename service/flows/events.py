"""Messages and signals from outside: correlate a message to the one instance waiting, broadcast a signal.

Finding who waits reads the `waiting_event` table (`waits`), never every instance: the
candidates for a name come from one indexed query, and only their ``data`` column is read
to match correlation keys. Each instance that catches is one transaction of its own (state,
task rows, log entries, outbox rows, wait rows), through the same `settle` as every flow.

A message goes to exactly one instance: by instance id, by business key, or by process
variables equal to the correlation keys given (as Camunda's ``POST /message`` does). None
waiting, and a process of the library starts with that message: a new instance is started
and catches it. More than one waiting: nothing is delivered, and the caller hears which.
A signal goes to every instance waiting for it, and starts every process whose start event
catches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from service.engine.messages import MESSAGE, SIGNAL, start_events
from service.i18n import Text
from service.store import queries
from service.store.models import Instance, ProcessVersion

from . import audit, request_keys, waits
from .context import Services
from .errors import Conflict, FlowError, Forbidden, InstanceFrozen, NotFound, status_word
from .operators import OperatorContext
from .settle import engine_errors, settle
from .unit_of_work import UnitOfWork

SENDERS = ("admins", "integrations")  # who may send messages and signals: admins and service accounts


def may_send(services: Services, actor_id: int | None) -> None:
    """Admins and members of ``integrations`` (a partner system's service account); `None` is the service."""
    if actor_id is None:
        return
    with services.sessions() as session:
        if not any(queries.is_member(session, actor_id, group) for group in SENDERS):
            raise Forbidden(Text("only admins and members of 'integrations' (service accounts) send messages "
                                 "and signals"))


class AmbiguousCorrelation(Conflict):
    """More than one instance waits for the message with these keys: nothing was delivered."""

    code = "ambiguous_correlation"


@dataclass(frozen=True)
class Correlation:
    """Which instance a message is for; all that are given must hold."""

    instance_id: int | None = None
    business_key: str | None = None
    keys: dict = field(default_factory=dict)  # process variables that must equal these values


@dataclass(frozen=True)
class Delivered:
    kind: str
    name: str
    delivered_to: list[int]
    started: list[int]
    skipped: list[dict] = field(default_factory=list)  # {instance_id or process_id, reason}: could not take it now

    def as_facts(self) -> dict:
        return {"kind": self.kind, "name": self.name, "delivered_to": self.delivered_to, "started": self.started,
                "skipped": self.skipped}


def deliver(services: Services, instance_id: int, kind: str, name: str, payload: dict | None = None,
            actor_id: int | None = None, request_key: int | None = None, facts: dict | None = None):
    """The message or signal reaches this one instance: caught, run on, settled, one commit."""
    from .instances import _refuse_sealed, _result

    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = uow.session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(Text("no instance %(instance_id)s", instance_id=instance_id))
        if instance.status != "running":
            raise Conflict(Text("instance %(instance_id)s is %(status)s",
                                instance_id=instance_id, status=status_word(instance.status)))
        if instance.frozen:
            raise InstanceFrozen(Text("instance %(instance_id)s is frozen: %(detail)s",
                                      instance_id=instance_id,
                                      detail=instance.frozen_reason or Text("no reason given")))
        _refuse_sealed(instance, payload or {})  # R2: what is sealed stays so, whichever way in
        ctx = OperatorContext.of(services, uow.session, instance, now)
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            services.engine.deliver(workflow, kind, name, dict(payload or {}), ctx)
        audit.record(uow.session, now, f"{kind}_received", instance_id=instance.id, actor_id=actor_id,
                     **{kind: name}, keys=sorted(payload or {}))
        settle(services, uow, instance, workflow, ctx, now, actor_id)
        request_keys.record_committed(uow.session, request_key, **(facts or {}))
        uow.commit()
        return _result(instance)


def correlate(services: Services, name: str, correlation: Correlation, payload: dict | None = None,
              actor_id: int | None = None, request_key: int | None = None) -> Delivered:
    """Delivers message `name` to the one instance the correlation names, or starts one (message start)."""
    may_send(services, actor_id)
    payload = dict(payload or {})
    with services.sessions() as session:
        candidates = _matching(session, waits.instances_waiting(session, MESSAGE, name), correlation)
    if len(candidates) > 1:
        raise AmbiguousCorrelation(
            f"{len(candidates)} instances wait for message {name!r} with this correlation; send the instance id "
            f"or more correlation keys", errors={"instance_ids": candidates})
    if candidates:
        done = Delivered(MESSAGE, name, candidates, [])
        deliver(services, candidates[0], MESSAGE, name, payload, actor_id, request_key, done.as_facts())
        return done
    if correlation.instance_id is not None:
        raise NotFound(Text("instance %(instance_id)s is not waiting for message %(name)r",
                            instance_id=correlation.instance_id, name=name))
    starters = _starting_processes(services, MESSAGE, name)
    if not starters:
        raise NotFound(Text("nothing waits for message %(name)r: no instance matches, and no process starts with it",
                            name=name))
    if len(starters) > 1:
        raise Conflict(Text("%(n)s processes start with message %(name)r (%(names)s); a message starts one",
                            n=len(starters), name=name, names=', '.join(starters)), errors={"process_ids": starters})
    return _start(services, starters[0], MESSAGE, name, {**correlation.keys, **payload}, correlation.business_key,
                  actor_id, request_key)


def broadcast(services: Services, name: str, payload: dict | None = None, actor_id: int | None = None,
              request_key: int | None = None) -> Delivered:
    """Signal `name` reaches every instance waiting for it and starts each process that starts with it.

    Each instance is its own transaction. One that cannot take it now (frozen, finished meanwhile,
    its process failing) is skipped and named; the others still get it. The Idempotency-Key is
    marked with the first commit, so a retry never starts anything twice.
    """
    may_send(services, actor_id)
    payload = dict(payload or {})
    with services.sessions() as session:
        waiting = waits.instances_waiting(session, SIGNAL, name)
    starters = _starting_processes(services, SIGNAL, name)
    if not waiting and not starters:
        raise NotFound(Text("nothing waits for signal %(name)r: no instance, and no process starts with it",
                            name=name))
    delivered, started, skipped = [], [], []
    mark = request_key  # only the first commit marks the reservation
    for instance_id in waiting:
        try:
            deliver(services, instance_id, SIGNAL, name, payload, actor_id, mark,
                    Delivered(SIGNAL, name, [instance_id], []).as_facts())
        except FlowError as error:
            skipped.append({"instance_id": instance_id, "reason": error.message})
            continue
        delivered.append(instance_id)
        mark = None
    for process_id in starters:
        try:
            started.extend(_start(services, process_id, SIGNAL, name, payload, None, actor_id, mark).started)
        except FlowError as error:
            skipped.append({"process_id": process_id, "reason": error.message})
            continue
        mark = None
    if not delivered and not started:
        raise Conflict(f"nothing could take signal {name!r} now: "
                       + "; ".join(f"{s.get('instance_id') or s.get('process_id')}: {s['reason']}" for s in skipped),
                       errors={"skipped": [s["reason"] for s in skipped]})
    return Delivered(SIGNAL, name, delivered, started, skipped)


def _start(services: Services, process_id: str, kind: str, name: str, data: dict, business_key: str | None,
           actor_id: int | None, request_key: int | None) -> Delivered:
    from .instances import StartEvent, start_process

    facts = {"kind": kind, "name": name, "delivered_to": [], "skipped": []}
    result = start_process(services, process_id, data, actor_id=actor_id, business_key=business_key,
                           request_key=request_key, by_event=StartEvent(kind, name, data, facts))
    return Delivered(kind, name, [], [result.instance_id])


def _matching(session, instance_ids: list[int], correlation: Correlation) -> list[int]:
    """The candidates the correlation names; only their id, business key and data are read."""
    if not instance_ids:
        return []
    ids = [i for i in instance_ids if correlation.instance_id in (None, i)]
    if not ids:
        return []
    rows = session.execute(select(Instance.id, Instance.business_key, Instance.data)
                           .where(Instance.id.in_(ids)).order_by(Instance.id)).all()
    return [row.id for row in rows
            if correlation.business_key in (None, row.business_key)
            and all(key in (row.data or {}) and (row.data or {})[key] == value
                    for key, value in correlation.keys.items())]


def _starting_processes(services: Services, kind: str, name: str) -> list[str]:
    """Processes whose newest version starts with this message or signal (the library holds them parsed)."""
    with services.sessions() as session:
        newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
                  .group_by(ProcessVersion.process_id).subquery())
        rows = session.execute(select(ProcessVersion.process_id, ProcessVersion.content_hash).join(
            newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.v == ProcessVersion.version))
            .where(ProcessVersion.unusable_reason.is_(None)).order_by(ProcessVersion.process_id)).all()
    found = []
    for process_id, content_hash in rows:
        try:
            parsed = services.library.get(content_hash)
        except Exception:  # noqa: BLE001 - a version that does not load starts nothing; start_process says why
            continue
        if any(w.kind == kind and w.name == name for w in start_events(parsed.spec)):
            found.append(process_id)
    return found
