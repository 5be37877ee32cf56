"""Incidents: a step that failed by the process's fault, told to its owners, retried or skipped (issue 10).

As in Camunda, the failing transaction rolls back whole; the incident is recorded in a fresh one
with what was being done (`trigger`: a timer, a person's completion with their data), so nothing
a person sent is lost. While it is open the instance is in ``error``: no timer, no completion.
A **retry** replays the trigger from the last committed state (after the data was corrected);
a **skip** replays it but completes the failing element with the operator's data instead of
running it (`service.engine.repair`). Each is one transaction with its audit entry; a retry that
fails again keeps the incident open (attempts + 1) without telling the owners again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.engine import repair
from service.engine.errors import StepLimitExceeded
from service.i18n import Text, text_json
from service.store.models import Incident, Instance, Task

from . import audit, operation_rules, recipients, request_keys, visibility
from .context import Services
from .errors import Conflict, FormInvalid, NotFound, ProcessFailed, status_word
from .operators import OperatorContext
from .operators.fanout import notification_rows
from .settle import engine_errors, log_timer, settle
from .unit_of_work import UnitOfWork

OPERATIONS_PAGE = "/operations"


class IncidentOpened(ProcessFailed):
    """A person's completion was kept, but the steps after it failed: the process waits for its owners."""

    code, http_status = "process_stopped", 202


class IncidentOpen(Conflict):
    """The instance has an open incident: nothing else happens to it until it is retried or skipped."""

    code = "incident_open"


def _element(services: Services, instance: Instance, error: ProcessFailed) -> tuple[str | None, str | None, str]:
    element_id = (error.details.get("errors") or {}).get("element_id", [None])[0]
    spec = repair.element_spec(services.library.get(instance.process_version.content_hash), element_id)
    name = (getattr(spec, "bpmn_name", None) or element_id) if element_id else None
    if isinstance(error.__cause__, StepLimitExceeded):
        return element_id, name, "step budget"
    return element_id, name, repair.kind_of(spec) if spec is not None else "step"


def open_incident(session: Session, instance_id: int) -> Incident | None:
    return session.scalars(select(Incident).where(Incident.instance_id == instance_id,
                                                  Incident.status == "open")).first()


def record(services: Services, instance_id: int, error: ProcessFailed, trigger: dict,
           request_key: int | None = None) -> int | None:
    """Opens the instance's incident (or counts one more failure of the open one), in a fresh transaction.

    The instance stops (``error``, no wake-up). A new incident tells each active member of the
    process's owner groups through their channels, linking to the Operations page.
    """
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        instance = session.get(Instance, instance_id)
        if instance is None:
            return None
        element_id, name, kind = _element(services, instance, error)
        incident = open_incident(session, instance_id)
        if incident is None:
            incident = Incident(instance_id=instance_id, process_id=instance.process_id,
                                trigger=audit.jsonable(trigger), created_at=now, attempts=1, status="open",
                                message=error.message,
                                element_id=element_id, element_name=name, kind=kind, last_attempt_at=now)
            session.add(incident)
            session.flush()
            outbox_ids = _tell_owners(services, session, instance, incident, now)
        else:
            _failed_again(incident, error, element_id, name, kind, now)
            outbox_ids = []
        instance.status, instance.error, instance.next_wakeup_at = "error", error.message, None
        instance.updated_at = now
        audit.record(session, now, "instance_error", instance_id=instance_id, element_id=element_id,
                     error=error.message, incident_id=incident.id, trigger=trigger.get("kind"))
        request_keys.record_committed(session, request_key, incident_id=incident.id, instance_id=instance_id,
                                      task_id=trigger.get("task_id"))
        uow.commit()
        if outbox_ids:
            services.signal_committed([], outbox_ids)
        return incident.id


def _failed_again(incident: Incident, error: ProcessFailed, element_id, name, kind, now: datetime) -> None:
    incident.attempts += 1
    incident.message, incident.last_attempt_at = error.message, now
    incident.element_id, incident.element_name, incident.kind = element_id, name, kind


def _tell_owners(services: Services, session: Session, instance: Instance, incident: Incident,
                 now: datetime) -> list[int]:
    """One notification per owner (groups of the ``owners`` property, default admins), as `notify` sends."""
    groups = operation_rules.owners_of(services.library.get(instance.process_version.content_hash))
    people = {p.id: p for g in groups for p in recipients.group_members(session, g, services.people) if p.active}
    ctx = OperatorContext.of(services, session, instance, now)
    where = incident.element_name or incident.element_id or Text("a step")
    subject = Text("%(process)s stopped at %(step)s", process=instance.process_version.name, step=where)
    payload = {"subject": str(subject)[:300], "subject_text": text_json(subject),
               "element_id": incident.element_id, "kind": "incident",
               "link": f"{OPERATIONS_PAGE}?incident={incident.id}",
               "body": {"instance": instance.id, "step": str(where), "error": incident.message}}
    notification_rows(ctx, list(people.values()), topic="incident", payload=payload, key=f"incident:{incident.id}")
    return ctx.write_outbox()


def opened_by_completion(services: Services, error: ProcessFailed, task_id: int, actor_id: int, data: dict,
                         request_key: int | None) -> IncidentOpened:
    """A person's completion whose next steps failed: their data is kept in the incident, they hear so."""
    with services.sessions() as session:
        instance_id = session.get(Task, task_id).instance_id
    trigger = {"kind": "complete_task", "task_id": task_id, "actor_id": actor_id, "data": data}
    incident_id = record(services, instance_id, error, trigger, request_key)
    with services.sessions() as session:
        incident = session.get(Incident, incident_id)
        where = incident.element_name or incident.element_id or Text("a later step")
    stopped = IncidentOpened(
        Text("Your answers were saved, but the process stopped at %(step)s: %(problem)s. "
             "The process's owners were told; the task stays open until they fix it.", step=where,
             problem=getattr(error, "text", None) or error.message),
        errors=error.details.get("errors") or {}, incident_id=incident_id, instance_id=instance_id)
    stopped.__cause__ = error
    return stopped


def retry(services: Services, incident_id: int, actor_id: int | None, reason: str,
          expected_version: int | None = None, data: dict | None = None) -> Incident:
    """Replays the trigger from the last committed state (with `data` corrected first, if given)."""
    return _repair(services, incident_id, actor_id, reason, expected_version, "retry", data or {}, None)


def skip(services: Services, incident_id: int, actor_id: int | None, reason: str, data: dict,
         expected_version: int | None = None) -> Incident:
    """Replays the trigger, completing the failed element with `data` instead of running it."""
    return _repair(services, incident_id, actor_id, reason, expected_version, "skip", {}, data or {})


def _repair(services: Services, incident_id: int, actor_id: int | None, reason: str, expected_version: int | None,
            action: str, corrections: dict, skip_data: dict | None) -> Incident:
    if not (reason or "").strip():
        raise FormInvalid(Text("say why"), {"reason": [Text("say why, in a few words (the audit log keeps it)")]})
    now, failed_at = services.clock(), None
    try:
        with UnitOfWork(services.sessions) as uow:
            session = uow.session
            incident, instance = _open_for(services, session, incident_id, actor_id, expected_version, action)
            failed_at = (instance.id, dict(incident.trigger or {}))
            instance.status, instance.error = "running", None
            _replay(services, uow, instance, incident, now, corrections, skip_data)
            resolve(incident, now, "retried" if action == "retry" else "skipped", actor_id, reason)
            audit.record(session, now, f"incident_{'retried' if action == 'retry' else 'skipped'}",
                         instance_id=instance.id, actor_id=actor_id, element_id=incident.element_id,
                         incident_id=incident.id, reason=reason,
                         **({"given": skip_data} if action == "skip" else {"corrected": sorted(corrections)}))
            uow.commit()
            return incident
    except ProcessFailed as error:
        if failed_at is not None:  # attempts + 1, the new words; nobody is told again
            record(services, failed_at[0], error, failed_at[1])
        raise


def _open_for(services: Services, session: Session, incident_id: int, actor_id: int | None,
              expected_version: int | None, action: str) -> tuple[Incident, Instance]:
    incident = session.get(Incident, incident_id)
    instance = session.get(Instance, incident.instance_id) if incident is not None else None
    if instance is None or (actor_id is not None and not operation_rules.can_see(session, services, actor_id,
                                                                                 instance)):
        raise NotFound(Text("no incident %(incident_id)s that you can see", incident_id=incident_id))
    operation_rules.may_operate(session, services, actor_id, instance, action)
    if incident.status != "open":
        raise Conflict(Text("incident %(incident_id)s is already %(status)s (%(resolution)s)",
                            incident_id=incident_id, status=status_word(incident.status),
                            resolution=incident.resolution))
    if expected_version is not None and instance.row_version != expected_version:
        raise Conflict(Text("instance %(instance_id)s changed (version %(row_version)s, you sent "
                            "%(expected_version)s); reload and look again", instance_id=instance.id,
                            row_version=instance.row_version, expected_version=expected_version))
    return incident, instance


def _replay(services: Services, uow: UnitOfWork, instance: Instance, incident: Incident, now: datetime,
            corrections: dict, skip_data: dict | None) -> None:
    """Does again what failed, from the committed state; a skip completes the failed element instead."""
    from .instances import run_completion

    def act(workflow, ctx, run_trigger):
        if corrections:
            services.engine.update_data(workflow, corrections)
        if skip_data is None:
            run_trigger()
            return
        repair.replay_skipping(workflow, incident.element_id, skip_data, run_trigger,
                               lambda: services.engine.run(workflow, ctx))

    trigger = incident.trigger or {}
    if trigger.get("kind") == "complete_task":
        task = uow.session.get(Task, trigger["task_id"])
        if task is None or task.status != "open":
            raise Conflict(Text("the task of this incident is no longer open (%(detail)s)",
                                detail=task.status if task else Text("gone")))
        open_rows = {row.engine_task_id: row for row in uow.session.scalars(
            select(Task).where(Task.instance_id == instance.id, Task.status == "open"))}
        run_completion(services, uow, instance, task, trigger["actor_id"], trigger.get("data") or {}, now,
                       open_rows, action=act)
        return
    ctx = OperatorContext.of(services, uow.session, instance, now)
    fired = []
    with engine_errors():
        workflow = services.engine.restore(instance.state)
        act(workflow, ctx, lambda: fired.extend(services.engine.fire_due_timers(workflow, now, ctx)))
    for timer in fired:
        log_timer(uow.session, instance, timer, now)
    settle(services, uow, instance, workflow, ctx, now)


def resolve(incident: Incident, now: datetime, resolution: str, actor_id: int | None, reason: str | None) -> None:
    incident.status, incident.resolved_at, incident.resolution = "resolved", now, resolution
    incident.resolved_by, incident.reason = actor_id, reason


def resolve_open(session: Session, instance_id: int, now: datetime, resolution: str, actor_id: int | None,
                 reason: str | None) -> Incident | None:
    """Resolves the instance's open incident in the caller's transaction (a cancel: ``cancelled``)."""
    incident = open_incident(session, instance_id)
    if incident is not None:
        resolve(incident, now, resolution, actor_id, reason)
        audit.record(session, now, f"incident_{resolution}", instance_id=instance_id, actor_id=actor_id,
                     element_id=incident.element_id, incident_id=incident.id, reason=reason)
    return incident


def operates_anything(session: Session, services: Services, actor_id: int) -> bool:
    """Admins, and members of a group the newest version of some process names as its owners."""
    groups = set(visibility.groups_of(session, actor_id))
    return visibility.ADMIN_GROUP in groups or bool(owned_processes(services, session, groups))


_OWNERS_BY_HASH: dict[str, tuple[str, ...]] = {}  # a version's files never change: neither do its owners


def owned_processes(services: Services, session: Session, groups: set[str]) -> set[str]:
    """The processes whose newest version names one of `groups` among its owners.

    Asked on every page (the menu), so only newest versions are read, each parsed once per process
    lifetime (they are what a worker preloads anyway); a version that does not load owns nothing.
    """
    from service.store.models import ProcessVersion

    newest = select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v")).group_by(
        ProcessVersion.process_id).subquery()
    rows = session.execute(select(ProcessVersion.process_id, ProcessVersion.content_hash).join(
        newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.v == ProcessVersion.version)))
    owned = set()
    for process_id, content_hash in rows:
        if content_hash not in _OWNERS_BY_HASH:
            try:
                _OWNERS_BY_HASH[content_hash] = tuple(operation_rules.owners_of(services.library.get(content_hash)))
            except Exception:  # noqa: BLE001 - a version that does not load owns nothing here
                _OWNERS_BY_HASH[content_hash] = ()
        if groups & set(_OWNERS_BY_HASH[content_hash]):
            owned.add(process_id)
    return owned


def list_incidents(services: Services, session: Session, actor_id: int, *, status: str = "open",
                   process_id: str | None = None, element_id: str | None = None, instance_id: int | None = None,
                   page: int = 1, per_page: int = 50) -> list[Incident]:
    """Newest first; admins see all, a process's owner groups see that process's incidents (paged in SQL)."""
    query = select(Incident)
    if status != "all":
        query = query.where(Incident.status == status)
    for column, value in (("process_id", process_id), ("element_id", element_id), ("instance_id", instance_id)):
        if value is not None:
            query = query.where(getattr(Incident, column) == value)
    groups = set(visibility.groups_of(session, actor_id))
    if visibility.ADMIN_GROUP not in groups:
        query = query.where(Incident.process_id.in_(sorted(owned_processes(services, session, groups))))
    rows = session.scalars(query.order_by(Incident.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return [row for row in rows if _may_see(services, session, actor_id, row)]


def _may_see(services: Services, session: Session, actor_id: int, incident: Incident) -> bool:
    instance = session.get(Instance, incident.instance_id)
    return operation_rules.allowed(session, services, actor_id, instance, "retry")


def get(services: Services, session: Session, actor_id: int, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None or not _may_see(services, session, actor_id, incident):
        raise NotFound(Text("no incident %(incident_id)s that you can see", incident_id=incident_id))
    return incident
