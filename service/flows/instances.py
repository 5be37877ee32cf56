"""Starting instances and acting on them: the use cases people and integrations trigger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from service.i18n import Text
from service.store import queries
from service.store.models import Instance, Task, User

from . import (
    audit,
    documents,
    forms,
    freezing,
    incidents,
    org,
    permissions,
    references,
    request_keys,
    signatures,
    versions,
    visibility,
)
from .context import Services
from .errors import Conflict, Forbidden, FormInvalid, InstanceFrozen, NotFound, ProcessFailed, status_word
from .names import split_names
from .operators import OperatorContext
from .settle import engine_errors, json_safe, log_timer, schedule_after_commit, settle
from .unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InstanceResult:
    instance_id: int
    row_version: int
    status: str
    next_wakeup_at: datetime | None
    task: dict | None = None  # the task row acted on, as committed: callers answer without reading it again


def _result(instance: Instance, task: Task | None = None) -> InstanceResult:
    row = {c.name: getattr(task, c.name) for c in Task.__table__.columns} if task is not None else None
    return InstanceResult(instance.id, instance.row_version, instance.status, instance.next_wakeup_at, row)


def start_process(services: Services, process_id: str, data: dict | None = None, *,
                  actor_id: int | None = None, business_key: str | None = None,
                  request_key: int | None = None, by_event: StartEvent | None = None) -> InstanceResult:
    """Starts the newest version of a process.

    `request_key`: the caller's Idempotency-Key reservation, marked done in this transaction
    (`request_keys`), so a retry knows the instance was started even if the answer was lost.
    `by_event`: a message or signal from outside starts it (its start event catches it in this same
    transaction); the caller authorized the sender, so the start lane does not apply.
    """
    now, data = services.clock(), dict(data or {})
    with UnitOfWork(services.sessions) as uow:
        version = queries.latest_version(uow.session, process_id)
        if version is None:
            raise NotFound(Text("no process %(process_id)r is deployed", process_id=process_id))
        parsed = versions.load(services, version)
        if by_event is None:
            permissions.may_start(uow.session, parsed, process_id, actor_id, now)  # 403 before any 422
        if parsed.start_form_key:
            forms.validate(parsed.forms.get(parsed.start_form_key, {}), data,
                           forms.translated(parsed, parsed.start_form_key))
        if parsed.start_form_key:  # what the start form names, the starter must be able to see
            references.check(uow.session, parsed.forms.get(parsed.start_form_key), data, actor_id)
            documents.check_references(uow.session, parsed.forms.get(parsed.start_form_key), data, None, actor_id)
        actor = uow.session.get(User, actor_id) if actor_id is not None else None
        data["initiator"] = actor.username if actor else None  # who started it: ${initiator} in diagrams
        instance = Instance(process_version_id=version.id, process_id=process_id, business_key=business_key,
                            status="running", state="", data={}, started_at=now, started_by=actor_id,
                            updated_at=now)
        uow.session.add(instance)
        uow.session.flush()
        if parsed.start_form_key:
            documents.attach(uow.session, parsed.forms.get(parsed.start_form_key), data, instance.id, now, actor_id)
        audit.record(uow.session, now, "instance_started", instance_id=instance.id, actor_id=actor_id,
                     process_id=process_id, version=version.version, business_key=business_key,
                     **({"by": by_event.kind, by_event.kind: by_event.name} if by_event else {}))
        ctx = OperatorContext.of(services, uow.session, instance, now)
        with engine_errors():
            workflow = services.engine.start(parsed.ref, data, ctx)
            if by_event is not None:
                services.engine.deliver(workflow, by_event.kind, by_event.name, by_event.payload, ctx)
        if by_event is not None:
            audit.record(uow.session, now, f"{by_event.kind}_received", instance_id=instance.id, actor_id=actor_id,
                         **{by_event.kind: by_event.name}, started=True)
        settle(services, uow, instance, workflow, ctx, now, actor_id)
        request_keys.record_committed(uow.session, request_key, instance_id=instance.id,
                                      **(by_event.facts if by_event else {}))
        uow.commit()
        return _result(instance)


def _open_task(uow: UnitOfWork, task_id: int, expected_version: int | None, seen_by: int | None = None) -> Task:
    return _still_open(uow, uow.session.get(Task, task_id), task_id, expected_version, seen_by)


TASK_WITH_OPEN_ROWS = select(Task).options(joinedload(Task.instance)).where(  # built once, run at each completion
    Task.instance_id == select(Task.instance_id).where(Task.id == bindparam("task_id")).scalar_subquery(),
    or_(Task.id == bindparam("task_id"), Task.status == "open"))


def _task_with_open_rows(uow: UnitOfWork, task_id: int) -> tuple[Task | None, dict[str, Task]]:
    """The task with its instance, and the instance's open task rows (settle needs them), in one round trip."""
    rows = uow.session.scalars(TASK_WITH_OPEN_ROWS, {"task_id": task_id}).all()
    task = next((row for row in rows if row.id == task_id), None)
    return task, {row.engine_task_id: row for row in rows if row.status == "open"}


def _still_open(uow: UnitOfWork, task: Task | None, task_id: int, expected_version: int | None,
                seen_by: int | None) -> Task:
    """The task, if it is still open at the version the caller saw.

    With `seen_by`, a task that person may not see is NotFound (its existence is not theirs
    to know), checked in this transaction rather than in one of the caller's own.
    """
    if task is None or (seen_by is not None and not visibility.can_see_task(uow.session, seen_by, task)):
        raise NotFound(Text("no task %(task_id)s that you can see", task_id=task_id) if seen_by is not None
                       else Text("no task %(task_id)s", task_id=task_id))
    if expected_version is not None and task.row_version != expected_version:
        raise Conflict(Text("task %(task_id)s changed (version %(row_version)s, you sent %(expected_version)s)",
                            task_id=task_id, row_version=task.row_version, expected_version=expected_version))
    if task.status != "open":
        raise Conflict(Text("task %(task_id)s is already %(status)s", task_id=task_id, status=status_word(task.status)))
    return task


def claim_task(services: Services, task_id: int, actor_id: int, expected_version: int | None = None, *,
               only_visible: bool = False) -> int:
    """A candidate-group member takes an open task; returns the task's new version."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        task = _open_task(uow, task_id, expected_version, seen_by=actor_id if only_visible else None)
        if task.assignee_id == actor_id:
            return task.row_version
        permissions.may_claim(uow.session, task, actor_id)  # a non-member does not learn who holds it
        task.assignee_id = actor_id
        audit.record(uow.session, now, "task_claimed", instance_id=task.instance_id, task_id=task.id,
                     actor_id=actor_id, element_id=task.element_id)
        uow.commit()
        return task.row_version


def unclaim_task(services: Services, task_id: int, actor_id: int, expected_version: int | None = None, *,
                 only_visible: bool = False) -> int:
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        task = _open_task(uow, task_id, expected_version, seen_by=actor_id if only_visible else None)
        permissions.may_unclaim(uow.session, task, actor_id)
        task.assignee_id = None
        audit.record(uow.session, now, "task_unclaimed", instance_id=task.instance_id, task_id=task.id,
                     actor_id=actor_id, element_id=task.element_id)
        uow.commit()
        return task.row_version


def reassign_task(services: Services, task_id: int, new_assignee_id: int | None, actor_id: int,
                  expected_version: int | None = None) -> int:
    """A manager gives a task to someone else (R9): only above the current holder, or the group if unclaimed.

    `new_assignee_id` None: the name given is nobody's, a 422, said only to someone who may reassign.
    """
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        task = _open_task(uow, task_id, expected_version)
        permissions.may_reassign(session, services, task, actor_id)
        if new_assignee_id is None:
            raise FormInvalid(Text("no such active user"), {"assignee": [Text("no active user by this name")]})
        if not (queries.in_any_group(session, new_assignee_id, task.groups)
                or org.is_manager_of(session, actor_id, new_assignee_id)):
            raise Forbidden(Text("the new assignee must be in %(group_names)s or report to you",
                                 group_names=permissions.group_names(task)))
        previous, task.assignee_id = task.assignee_id, new_assignee_id
        audit.record(session, now, "task_reassigned", instance_id=task.instance_id, task_id=task.id,
                     actor_id=actor_id, element_id=task.element_id, previous=previous, assignee=new_assignee_id)
        uow.commit()
        return task.row_version


def complete_task(services: Services, task_id: int, actor_id: int, data: dict,
                  expected_version: int | None = None, *, only_visible: bool = False,
                  request_key: int | None = None) -> InstanceResult:
    """The assignee submits the task's form; the process moves on in the same transaction.

    `only_visible`: a task the actor may not see is NotFound rather than Forbidden (the API's rule).
    `request_key`: the caller's Idempotency-Key reservation, marked done in this transaction.
    The result carries the completed task row. When the steps after it fail by the process's fault,
    what the person sent is kept in an incident and `IncidentOpened` (HTTP 202) says the process
    stopped there and its owners were told.
    """
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        task, open_rows = _task_with_open_rows(uow, task_id)
        task = _still_open(uow, task, task_id, expected_version, actor_id if only_visible else None)
        instance = task.instance
        if instance.status == "error":
            raise incidents.IncidentOpen(Text("the process stopped (%(problem)s); nobody can complete its "
                                              "tasks until its owners retry or skip the failed step",
                                              problem=instance.error))
        if instance.status == "suspended":
            from .instance_actions import suspended_reason

            raise Conflict(Text("instance %(instance_id)s is suspended: %(suspended_reason)s",
                                instance_id=instance.id, suspended_reason=suspended_reason(uow.session, instance.id)))
        if instance.status != "running":
            raise Conflict(Text("instance %(instance_id)s is %(status)s: %(detail)s",
                                instance_id=instance.id, status=status_word(instance.status),
                                detail=instance.error or Text("nothing can change")))
        if instance.frozen:
            raise InstanceFrozen(Text("instance %(instance_id)s is frozen: %(detail)s",
                                      instance_id=instance.id,
                                      detail=instance.frozen_reason or Text("no reason given")))
        permissions.may_complete(uow.session, task, actor_id)
        _refuse_sealed(instance, data)
        parsed = services.library.get(instance.process_version.content_hash)
        schema = parsed.form_for(task.element_id)
        info = parsed.user_tasks.get(task.element_id)
        forms.validate(schema, data, forms.translated(parsed, info.form_key if info else None))
        documents.check_references(uow.session, schema, data, instance.id, actor_id)
        references.check(uow.session, schema, data, actor_id)
        try:
            run_completion(services, uow, instance, task, actor_id, data, now, open_rows)
        except ProcessFailed as error:  # the steps after the task failed: an incident, their data kept
            failed = error
        else:
            request_keys.record_committed(uow.session, request_key, task_id=task.id, instance_id=instance.id)
            uow.commit()
            return _result(instance, task)
    raise incidents.opened_by_completion(services, failed, task_id, actor_id, data, request_key)


def run_completion(services: Services, uow: UnitOfWork, instance: Instance, task: Task, actor_id: int,
                   data: dict, now: datetime, open_rows: dict[str, Task] | None = None, action=None) -> None:
    """The engine's part of a completion, once every check passed (an incident's retry runs it again).

    `action(workflow, complete)`: how the completion itself runs (a skip wraps it), else it just does.
    """
    parsed = services.library.get(instance.process_version.content_hash)
    documents.attach(uow.session, parsed.form_for(task.element_id), data, instance.id, now,  # R6: the instance's
                     actor_id)
    ctx = OperatorContext.of(services, uow.session, instance, now)
    with engine_errors():
        workflow = services.engine.restore(instance.state)
        _fire_overdue(services, uow, instance, workflow, ctx, now)  # a deadline that passed comes first
        submitted = {**services.engine.ready_user_task(workflow, task.engine_task_id).data, **data}
        # Signatures exist before the process runs on, so the steps that follow can verify them.
        _sign_and_seal(uow, services.signer, instance, task, parsed.user_tasks[task.element_id].properties,
                       submitted, actor_id, now)

        def complete():
            services.engine.complete(workflow, task.engine_task_id, data, ctx, now)

        if action is None:
            complete()
        else:
            action(workflow, ctx, complete)
    settle(services, uow, instance, workflow, ctx, now, actor_id, open_rows)


def _fire_overdue(services: Services, uow: UnitOfWork, instance: Instance, workflow, ctx, now: datetime) -> None:
    for timer in services.engine.fire_due_timers(workflow, now, ctx):
        log_timer(uow.session, instance, timer, now)


def _refuse_sealed(instance: Instance, data: dict) -> None:
    """Sealed sections (R2) are read-only for everyone, whatever the client sends and by whichever way in."""
    sealed = sorted(set(instance.sealed or []).intersection(data))
    if sealed:
        raise Forbidden(Text("%(names)s is sealed: nobody can change it", names=', '.join(sealed)), errors={
            key: [Text("sealed after submission; read-only for everyone")] for key in sealed})


def _sign_and_seal(uow: UnitOfWork, signer, instance: Instance, task: Task, properties: dict, data: dict,
                   actor_id: int, now: datetime) -> None:
    """Task properties from the diagram: ``signs`` sections by the completer, ``seals`` keys for good (R2)."""
    signs = split_names(properties.get("signs"))
    if signs:
        role = next((group for group in task.groups if queries.is_member(uow.session, actor_id, group)),
                    task.candidate_group)  # of several groups, the signer's own
        signatures.sign(uow.session, signer, instance.id, signs, data, actor_id, role, now)
    seals = split_names(properties.get("seals"))
    if seals:
        instance.sealed = sorted(set(instance.sealed or []) | set(seals))
        audit.record(uow.session, now, "sealed", instance_id=instance.id, task_id=task.id, actor_id=actor_id,
                     element_id=task.element_id, sections=seals)


def deliver_message(services: Services, instance_id: int, name: str, payload: dict | None = None,
                    actor_id: int | None = None) -> InstanceResult:
    """An external message (a callback, a signature webhook) reaches a waiting instance.

    The payload is merged into the instance's data. See `events` for correlations and signals.
    """
    from .events import deliver

    return deliver(services, instance_id, "message", name, payload, actor_id)


@dataclass(frozen=True)
class StartEvent:
    """A message or signal that starts an instance (a message or signal start event catches it)."""

    kind: str
    name: str
    payload: dict
    facts: dict  # what the caller's Idempotency-Key reservation records when it commits


def _running(uow: UnitOfWork, instance_id: int, expected_version: int | None = None) -> Instance:
    instance = uow.session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(Text("no instance %(instance_id)s", instance_id=instance_id))
    if expected_version is not None and instance.row_version != expected_version:
        raise Conflict(Text("instance %(instance_id)s changed (version %(row_version)s)",
                            instance_id=instance_id, row_version=instance.row_version))
    if instance.status != "running":
        raise Conflict(Text("instance %(instance_id)s is %(status)s",
                            instance_id=instance_id, status=status_word(instance.status)))
    return instance


def freeze(services: Services, instance_id: int, reason: str, actor_id: int | None = None,
           expected_version: int | None = None) -> InstanceResult:
    """A manual freeze: no task completes and no timer fires until it is released (R4).

    Only the managers of the instance's owner and admins may (`freezing.may_freeze`);
    `actor_id=None` is the service itself. The same people release it (no release group).
    """
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = _running(uow, instance_id, expected_version)
        if actor_id is not None:
            decision = freezing.may_freeze(uow.session, actor_id, instance)
            if not decision:
                raise Forbidden(decision.reason)
        if instance.frozen:
            raise Conflict(Text("instance %(instance_id)s is already frozen", instance_id=instance_id))
        instance.frozen, instance.frozen_reason, instance.release_group = True, reason, None
        instance.next_wakeup_at, instance.updated_at = None, now
        audit.record(uow.session, now, "instance_frozen", instance_id=instance.id, actor_id=actor_id, reason=reason)
        uow.commit()
        return _result(instance)


def release(services: Services, instance_id: int, actor_id: int | None = None,
            expected_version: int | None = None, data: dict | None = None) -> InstanceResult:
    """Lets a frozen instance go on; `data` (e.g. a rebound version) is what the rest of it sees.

    Who may: `freezing.may_release` (a process freeze's release group; a manual freeze's owner's
    managers and admins). `data` may set only what the freeze offered to rebind (the knowledge-base
    check's ``rebinds`` variable), as a short string; a manual freeze takes no data. Timers that came
    due while it was frozen fire at once.
    """
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        instance = _running(uow, instance_id, expected_version)
        if not instance.frozen:
            raise Conflict(Text("instance %(instance_id)s is not frozen", instance_id=instance_id))
        permissions.may_release(uow.session, instance, actor_id)
        _refuse_sealed(instance, data or {})
        freezing.check_release_data(uow.session, instance, data or {})
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            if data:
                services.engine.update_data(workflow, data)
                instance.state = services.engine.dump(workflow)
            snapshot = services.engine.snapshot(workflow, now)
        instance.data = json_safe(snapshot.data)  # what the project page and the dashboards read shows the rebind
        instance.frozen, instance.frozen_reason, instance.release_group = False, None, None
        instance.updated_at = now
        instance.next_wakeup_at = snapshot.next_wakeup_at
        audit.record(uow.session, now, "instance_released", instance_id=instance.id, actor_id=actor_id,
                     data=data)
        schedule_after_commit(services, uow, instance)
        uow.commit()
        return _result(instance)
