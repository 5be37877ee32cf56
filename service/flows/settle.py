"""The common tail of every flow: project, log, persist state, plan the next wake-up."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from service.engine.errors import ProcessError, describe, element_of
from service.engine.runner import EngineError
from service.logging_setup import annotate
from service.store.models import Instance, Task
from service.store.outage import database_unavailable

from . import audit, thrown, waits
from .context import Services
from .errors import Conflict, FlowError, ProcessFailed
from .operators import OperatorContext
from .projection import project_tasks
from .unit_of_work import UnitOfWork


@contextmanager
def engine_errors():
    """Turns engine failures into errors a caller can act on; the transaction rolls back.

    A designer's expression or construct that fails is `ProcessFailed` naming the element
    (``errors: {"element_id": [...]}``): a 422 to a person, an incident for a job.
    """
    try:
        yield
    except FlowError:
        raise
    except EngineError as error:
        raise Conflict(str(error)) from error
    except SQLAlchemyError:
        raise
    except Exception as error:  # noqa: BLE001 - an operator or expression failed: the process's fault
        if database_unavailable(error):  # an operator met a database outage (SpiffWorkflow may wrap it): not
            raise  # the process's fault, so no incident; the caller answers 503 or the job is tried again
        element = element_of(error)
        where = f" at {element}" if element and not isinstance(error, ProcessError) else ""
        raise ProcessFailed(f"the process failed{where}: {describe(error)}",
                            **({"errors": {"element_id": [element]}} if element else {})) from error


def log_timer(session, instance: Instance, timer, now: datetime) -> None:
    audit.record(session, now, "timer_fired", instance_id=instance.id, element_id=timer.element_id,
                 due=timer.due, timer_kind=timer.kind, attached_to=timer.attached_to,
                 lateness_s=round((now - timer.due).total_seconds(), 3), skipped=timer.skipped)


def settle(services: Services, uow: UnitOfWork, instance: Instance, workflow, ctx: OperatorContext,
           now: datetime, actor_id: int | None = None, open_rows: dict[str, Task] | None = None) -> None:
    """Writes the instance row, then its task rows, log entries and outbox rows.

    The instance row is written (and so locked) first, as in every flow: two transactions
    on one instance never hold each other's rows. `open_rows`: the instance's open task
    rows, if the caller has read them already.
    """
    session = uow.session
    annotate(instance_id=instance.id)  # later log lines of this request or job name the instance
    thrown.to_outbox(ctx, workflow)  # what it threw for other instances leaves through the outbox, not the state
    with engine_errors():  # due dates, candidate groups and assignees are evaluated here
        snapshot = services.engine.snapshot(workflow, now)
    instance.state = services.engine.dump(workflow)
    instance.data = json_safe(snapshot.data)
    instance.updated_at = now
    completed = snapshot.completed and instance.status == "running"
    if completed:
        instance.status = "completed"
        instance.completed_at = now
    running = instance.status == "running" and not instance.frozen
    previous, instance.next_wakeup_at = instance.next_wakeup_at, snapshot.next_wakeup_at if running else None
    with audit.held(session):  # the log is written once, at commit
        session.flush()
    for change in project_tasks(session, instance, snapshot, now, actor_id, open_rows):
        actor = actor_id if change.kind == "task_completed" else None
        audit.record(session, now, change.kind, instance_id=instance.id, task_id=change.task_id, actor_id=actor,
                     element_id=change.element_id, name=change.name, candidate_group=change.candidate_group,
                     due_at=change.due_at, **_more_groups(change))
    waits.sync(services, session, instance, snapshot.waits, now)  # who waits for which message or signal
    if completed:
        audit.record(session, now, "instance_completed", instance_id=instance.id)
    outbox_ids = ctx.write_outbox()
    wakeup, instance_id = instance.next_wakeup_at, instance.id
    moved = wakeup is not None and wakeup != previous  # an alarm already set for this moment stays set
    if moved or outbox_ids:
        uow.after_commit(lambda: services.signal_committed([(instance_id, wakeup)] if moved else [], outbox_ids))


def _more_groups(change) -> dict:
    """A task offered to several groups names them all in the log (one group: as it always was)."""
    return {"candidate_groups": list(change.candidate_groups)} if len(change.candidate_groups) > 1 else {}


def schedule_after_commit(services: Services, uow: UnitOfWork, instance: Instance) -> None:
    wakeup, instance_id = instance.next_wakeup_at, instance.id
    if wakeup is not None:
        uow.after_commit(lambda: services.alarm.schedule(instance_id, wakeup))


def json_safe(data: dict) -> dict:
    """Instance data is a JSON column; the engine may hold dates and other objects."""
    return audit.jsonable({k: v for k, v in data.items() if _is_plain(v)})


def _is_plain(value) -> bool:
    if isinstance(value, dict):
        return all(_is_plain(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool | datetime)
