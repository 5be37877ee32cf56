"""Moving unfinished instances onto another deployed version of their process (issue 10).

A designer fixes a diagram; the instances already running stay on the broken version until an
operator migrates them. `plan` is the dry run (element by element, does each active token have a
counterpart); `migrate` does it in one transaction, refusing (422, naming the elements) what does
not map; `migrate_all` takes every unfinished instance of a version, each in its own transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import delete, select

from service.engine import migration
from service.engine.messages import catches_any
from service.i18n import Text
from service.store.models import Instance, ProcessVersion, WaitingEvent

from . import audit, operation_rules, versions, visibility
from .context import Services
from .errors import Conflict, FlowError, Forbidden, FormInvalid, NotFound, status_word
from .operators import OperatorContext
from .projection import open_task_rows
from .settle import engine_errors, settle
from .unit_of_work import UnitOfWork

UNFINISHED = ("running", "error", "suspended")


@dataclass(frozen=True)
class Outcome:
    """What the batch did with one instance."""

    instance_id: int
    outcome: str  # migrated | refused | would migrate
    problems: list[str]


@dataclass(frozen=True)
class Migrated:
    """The instance as committed, and the plan it followed."""

    instance_id: int
    row_version: int
    process_version: int
    steps: list[migration.Step]


def _target(session, process_id: str, version: int) -> ProcessVersion:
    target = session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                         ProcessVersion.version == version))
    if target is None:
        raise NotFound(Text("process %(process_id)s has no version %(version)s",
                            process_id=process_id, version=version))
    return target


def _unfinished(instance: Instance) -> None:
    if instance.status not in UNFINISHED:
        raise Conflict(Text("instance %(instance_id)s is %(status)s: there is nothing left to migrate",
                            instance_id=instance.id, status=status_word(instance.status)))


def _steps(services: Services, instance: Instance, target: ProcessVersion, mapping: dict[str, str]):
    """The instance's restored workflow, the target's parsed process (None if unusable) and the plan."""
    old = services.library.get(instance.process_version.content_hash)
    with engine_errors():
        workflow = services.engine.restore(instance.state)
    try:
        new = versions.load(services, target)
    except FlowError as unusable:
        return workflow, None, [migration.Step("", "", "", None, unusable.message)]
    if target.id == instance.process_version_id:
        return workflow, new, [migration.Step("", "", "", None, f"instance {instance.id} already runs on "
                                                                f"version {target.version}")]
    return workflow, new, migration.plan(workflow, old, new, mapping)


def plan(services: Services, instance_id: int, to_version: int, mapping: dict[str, str] | None,
         actor_id: int | None) -> list[migration.Step]:
    """The dry run: what migrating would do to each active token; changes nothing."""
    with services.sessions() as session:
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(Text("no instance %(instance_id)s", instance_id=instance_id))
        operation_rules.may_operate(session, services, actor_id, instance, "migrate")
        _unfinished(instance)
        target = _target(session, instance.process_id, to_version)
        return _steps(services, instance, target, dict(mapping or {}))[2]


def refusal(steps: list[migration.Step]) -> FormInvalid:
    errors: dict[str, list[str]] = {}
    for step in steps:
        if not step.ok:
            errors.setdefault(step.element_id or "to_version", []).append(step.problem)
    return FormInvalid(Text("%(n)s element(s) do not map onto the new version",
                            n=sum(len(v) for v in errors.values())), errors)


def migrate(services: Services, instance_id: int, to_version: int, mapping: dict[str, str] | None,
            actor_id: int | None, reason: str, expected_version: int | None = None) -> Migrated:
    """Moves the instance onto `to_version` keeping its data, tokens, task rows and timers' due times."""
    now, mapping = services.clock(), dict(mapping or {})
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(Text("no instance %(instance_id)s", instance_id=instance_id))
        if expected_version is not None and instance.row_version != expected_version:
            raise Conflict(Text("instance %(instance_id)s changed (version %(row_version)s)",
                                instance_id=instance_id, row_version=instance.row_version))
        operation_rules.may_operate(session, services, actor_id, instance, "migrate")
        _unfinished(instance)
        target = _target(session, instance.process_id, to_version)
        workflow, new, steps = _steps(services, instance, target, mapping)
        if new is None or not all(step.ok for step in steps):
            raise refusal(steps)
        with engine_errors():
            workflow = migration.migrate(services.engine, workflow, new, mapping)
            workflow.script_engine = services.engine._script_engine(new)
        from_version = instance.process_version.version
        open_rows = open_task_rows(session, instance.id)
        instance.process_version_id, instance.process_version = target.id, target
        if not catches_any(new.spec, new.subprocess_specs):  # waits.sync would not look at the rows
            session.execute(delete(WaitingEvent).where(WaitingEvent.instance_id == instance.id))
        audit.record(session, now, "instance_migrated", instance_id=instance.id, actor_id=actor_id,
                     from_version=from_version, to_version=target.version, mapping=mapping, reason=reason,
                     elements=[asdict(step) for step in steps])
        ctx = OperatorContext.of(services, session, instance, now)
        settle(services, uow, instance, workflow, ctx, now, actor_id, open_rows)
        _rename_rows(services, new, open_rows, mapping)
        uow.commit()
        return Migrated(instance.id, instance.row_version, target.version, steps)


def _rename_rows(services: Services, new, open_rows: dict, mapping: dict[str, str]) -> None:
    """An open task that mapped keeps its row (assignee, claim); it takes the new element's id and name."""
    for row in open_rows.values():
        if row.status != "open" or row.element_id not in mapping:
            continue
        info = new.user_tasks.get(mapping[row.element_id])
        if info is not None:
            row.element_id, row.name, row.form_key = info.element_id, info.name, info.form_key


def check_batch(services: Services, process_id: str, from_version: int, actor_id: int) -> None:
    """Migrating a whole version: admins, or the from-version's owners (the diagram's ``owners``)."""
    with services.sessions() as session:
        source = _target(session, process_id, from_version)
        groups = visibility.groups_of(session, actor_id)
        if visibility.ADMIN_GROUP in groups:
            return
        owners = operation_rules.owners_of(services.library.get(source.content_hash))
        if not set(groups) & set(owners):
            raise Forbidden(Text("only admins or the process's owners (%(names)s) can migrate "
                                 "version %(from_version)s of %(process_id)s",
                                 names=', '.join(owners), from_version=from_version, process_id=process_id))


def migrate_all(services: Services, process_id: str, from_version: int, to_version: int,
                mapping: dict[str, str] | None, actor_id: int | None, reason: str | None,
                dry_run: bool = False) -> list[Outcome]:
    """Every unfinished instance of the from-version, each in its own transaction; one refusal stops no other."""
    if actor_id is not None:
        check_batch(services, process_id, from_version, actor_id)
    with services.sessions() as session:
        source = _target(session, process_id, from_version)
        _target(session, process_id, to_version)
        ids = list(session.scalars(select(Instance.id).where(Instance.process_version_id == source.id,
                                                             Instance.status.in_(UNFINISHED))
                                   .order_by(Instance.id)))
    outcomes = []
    for instance_id in ids:
        try:
            if dry_run:
                steps = plan(services, instance_id, to_version, mapping, actor_id)
                problems = [_said(step) for step in steps if not step.ok]
                outcomes.append(Outcome(instance_id, "refused" if problems else "would migrate", problems))
                continue
            migrate(services, instance_id, to_version, mapping, actor_id, reason or "")
            outcomes.append(Outcome(instance_id, "migrated", []))
        except FormInvalid as refused:
            outcomes.append(Outcome(instance_id, "refused", [f"{element}: {problem}" if element != "to_version"
                                                             else problem for element, problems in
                                                             refused.errors.items() for problem in problems]))
        except (Conflict, Forbidden, NotFound) as refused:
            outcomes.append(Outcome(instance_id, "refused", [refused.message]))
    return outcomes


def _said(step: migration.Step) -> str:
    return f"{step.element_id}: {step.problem}" if step.element_id else step.problem
