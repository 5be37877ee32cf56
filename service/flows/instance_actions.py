"""Ending and pausing an instance by hand: cancel, suspend, resume (issue 10).

Each action has its own permission (`operation_rules`), needs the version the caller saw and a
reason, and is one transaction with its audit entry and its outgoing messages.

- **cancel** ends every token (SpiffWorkflow's `BpmnWorkflow.cancel`, which cancels the tasks of
  sub-processes and call activities too), closes the open task rows as ``cancelled``, stops the
  timers and the waits, and tells each task's assignee. An unclaimed task tells nobody: its group
  was never told one by one that it existed, so it is not told that it is gone (the task leaves
  their group list).
- **suspend** (a running instance, frozen or not) stops it: no task completes, no timer fires;
  claiming and reading still work. **resume** lets it go on, and timers that came due fire at once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.i18n import Text, text_json
from service.store.models import AuditEvent, Instance, Task, User

from . import audit, incidents, operation_rules, waits
from .context import Services
from .errors import Conflict, FormInvalid, NotFound, status_word
from .instances import InstanceResult, _fire_overdue, _result
from .operators import OperatorContext
from .operators.fanout import notification_rows
from .projection import project_tasks
from .settle import engine_errors, settle
from .unit_of_work import UnitOfWork

CANCELLABLE = ("running", "error", "suspended")
MAX_REASON = 2000


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise FormInvalid(Text("a reason is required"), {"reason": [Text("say why (it goes into the instance's log)")]})
    if len(text) > MAX_REASON:
        raise FormInvalid(Text("the reason is too long"), {"reason": [Text("at most %(n)s characters",
                                                                     n=MAX_REASON)]})
    return text


def _load(uow: UnitOfWork, services: Services, instance_id: int, actor_id: int | None, action: str,
          expected_version: int | None) -> Instance:
    instance = uow.session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(Text("no instance %(instance_id)s", instance_id=instance_id))
    operation_rules.may_operate(uow.session, services, actor_id, instance, action)
    if expected_version is not None and instance.row_version != expected_version:
        raise Conflict(Text("instance %(instance_id)s changed (version %(row_version)s, you sent %(expected_version)s)",
                            instance_id=instance_id, row_version=instance.row_version,
                            expected_version=expected_version))
    return instance


def cancel(services: Services, instance_id: int, actor_id: int | None, reason: str,
           expected_version: int | None = None) -> InstanceResult:
    """Ends the instance for good: tokens, tasks, timers and waits; assignees are told."""
    reason, now = _reason(reason), services.clock()
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        instance = _load(uow, services, instance_id, actor_id, "cancel", expected_version)
        if instance.status not in CANCELLABLE:
            raise Conflict(Text("instance %(instance_id)s is %(status)s: it can no longer be cancelled",
                                instance_id=instance_id, status=status_word(instance.status)))
        was = instance.status
        ctx = OperatorContext.of(services, session, instance, now)
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            workflow.cancel()
            snapshot = services.engine.snapshot(workflow, now)
        assignees = [row.assignee_id for row in session.scalars(select(Task).where(
            Task.instance_id == instance.id, Task.status == "open", Task.assignee_id.is_not(None)))]
        instance.state = services.engine.dump(workflow)
        instance.status, instance.completed_at, instance.updated_at = "cancelled", now, now
        instance.next_wakeup_at, instance.frozen = None, False
        session.flush()
        closed = project_tasks(session, instance, snapshot, now, actor_id)
        for change in closed:
            audit.record(session, now, change.kind, instance_id=instance.id, task_id=change.task_id,
                         element_id=change.element_id, name=change.name, actor_id=actor_id)
        waits.sync(services, session, instance, [], now)  # a cancelled instance waits for nothing
        incidents.resolve_open(session, instance.id, now, "cancelled", actor_id, reason)  # nothing left to repair
        audit.record(session, now, "instance_cancelled", instance_id=instance.id, actor_id=actor_id,
                     reason=reason, previous_status=was,
                     tasks_cancelled=[c.task_id for c in closed if c.kind == "task_cancelled"])
        _tell_assignees(ctx, session, instance, assignees, actor_id, reason)
        outbox_ids = ctx.write_outbox()
        if outbox_ids:
            uow.after_commit(lambda: services.signal_committed([], outbox_ids))
        uow.commit()
        return _result(instance)


def _tell_assignees(ctx: OperatorContext, session: Session, instance: Instance, assignees: list[int],
                    actor_id: int | None, reason: str) -> None:
    people = [person for person in (ctx.people.person(session, user_id) for user_id in dict.fromkeys(assignees))
              if person is not None]
    if not people:
        return
    who = session.scalar(select(User.display_name).where(User.id == actor_id)) if actor_id else "the service"
    customer = instance.data.get("customer") or ""
    subject = (Text("Cancelled: %(process)s #%(instance_id)s (%(customer)s)", process=instance.process_id,
                    instance_id=instance.id, customer=customer) if customer
               else Text("Cancelled: %(process)s #%(instance_id)s", process=instance.process_id,
                         instance_id=instance.id))
    notification_rows(ctx, people, topic="notify", key=f"cancelled:{instance.id}", payload={
        "subject": str(subject).strip()[:300], "subject_text": text_json(subject), "kind": "notify",
        "element_id": None, "body": {"reason": reason, "cancelled_by": who}, "link": f"/instances/{instance.id}"})


def suspend(services: Services, instance_id: int, actor_id: int | None, reason: str,
            expected_version: int | None = None) -> InstanceResult:
    """Stops a running instance until it is resumed: no task completes and no timer fires."""
    reason, now = _reason(reason), services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = _load(uow, services, instance_id, actor_id, "suspend", expected_version)
        if instance.status != "running":
            raise Conflict(Text("instance %(instance_id)s is %(status)s: only a running instance can be suspended",
                                instance_id=instance_id, status=status_word(instance.status)))
        instance.status, instance.next_wakeup_at, instance.updated_at = "suspended", None, now
        audit.record(uow.session, now, "instance_suspended", instance_id=instance.id, actor_id=actor_id,
                     reason=reason, frozen=instance.frozen)
        uow.commit()
        return _result(instance)


def resume(services: Services, instance_id: int, actor_id: int | None, reason: str,
           expected_version: int | None = None) -> InstanceResult:
    """Lets a suspended instance go on; the timers that came due meanwhile fire in this same transaction."""
    reason, now = _reason(reason), services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = _load(uow, services, instance_id, actor_id, "resume", expected_version)
        if instance.status != "suspended":
            raise Conflict(Text("instance %(instance_id)s is %(status)s: only a suspended instance can be resumed",
                                instance_id=instance_id, status=status_word(instance.status)))
        instance.status = "running"
        audit.record(uow.session, now, "instance_resumed", instance_id=instance.id, actor_id=actor_id,
                     reason=reason)
        ctx = OperatorContext.of(services, uow.session, instance, now)
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            if not instance.frozen:  # a frozen instance stays frozen: its timers wait for the release
                _fire_overdue(services, uow, instance, workflow, ctx, now)
        settle(services, uow, instance, workflow, ctx, now, actor_id)
        uow.commit()
        return _result(instance)


def suspended_reason(session: Session, instance_id: int) -> str:
    """Why the instance is suspended (the latest suspension's reason), for refusals."""
    event = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                     AuditEvent.kind == "instance_suspended")
                            .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (event.data or {}).get("reason") or "no reason given" if event is not None else "no reason given"
