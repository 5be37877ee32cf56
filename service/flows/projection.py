"""Keeps the `task` table in step with the engine, in the same transaction.

People query tasks by assignee, group and due time; the serialized workflow is
the truth, the `task` rows are its indexed projection.

This runs at every step of every instance, so the rows are written with Core
statements built once (one UPDATE per finished task, checked against its version;
one INSERT for all new tasks) rather than through the ORM's unit of work, which
costs more than the statements themselves. Task objects the session already holds
are given their new values, so the session stays truthful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.engine.runner import Snapshot
from service.engine.tasks import UserTaskState
from service.i18n import Text
from service.store.models import Instance, Task, TaskGroup, User

from .errors import Conflict

TASKS = Task.__table__
INSERT = insert(TASKS).returning(TASKS.c.engine_task_id, TASKS.c.id)  # matched by engine id: no ordering cost
OFFER = insert(TaskGroup.__table__)
WITHDRAW = delete(TaskGroup.__table__).where(TaskGroup.__table__.c.task_id.in_(bindparam("task_ids", expanding=True)))
CLOSE = (update(TASKS).where(TASKS.c.id == bindparam("task_id"), TASKS.c.row_version == bindparam("seen_version"))
         .values(status=bindparam("new_status"), completed_at=bindparam("done_at", type_=TASKS.c.completed_at.type),
                 completed_by=func.coalesce(bindparam("done_by", type_=TASKS.c.completed_by.type),
                                            TASKS.c.completed_by),
                 row_version=TASKS.c.row_version + 1))


@dataclass(frozen=True)
class TaskChange:
    """What happened to one task row, for the log."""

    kind: str  # task_opened | task_completed | task_cancelled
    task_id: int
    element_id: str
    name: str
    candidate_group: str | None
    due_at: datetime | None
    candidate_groups: tuple[str, ...] | list[str] = ()


def open_task_rows(session: Session, instance_id: int) -> dict[str, Task]:
    """The instance's open task rows by engine task id."""
    with session.no_autoflush:
        return {row.engine_task_id: row for row in session.scalars(
            select(Task).where(Task.instance_id == instance_id, Task.status == "open"))}


def project_tasks(session: Session, instance: Instance, snapshot: Snapshot, now: datetime,
                  actor_id: int | None = None, open_rows: dict[str, Task] | None = None) -> list[TaskChange]:
    """Opens new task rows, closes finished ones; returns the changes in the engine's order.

    `actor_id` is who completed the task that moved the process, if a person did.
    `open_rows` are the instance's open rows if the caller has already read them.
    """
    if open_rows is None:
        open_rows = open_task_rows(session, instance.id)
    plan: list[tuple[str, Task | UserTaskState]] = []  # (status, row to close) or ("opened", view to insert)
    seen = set()
    for view in snapshot.user_tasks:
        seen.add(view.task_id)
        row = open_rows.get(view.task_id)
        if row is None and view.state == "open":
            plan.append(("opened", view))
        elif row is not None and view.state != "open":
            plan.append((view.state, row))
    plan += [("cancelled", row) for engine_task_id, row in open_rows.items() if engine_task_id not in seen]
    new_ids = iter(_insert(session, instance.id, [view for status, view in plan if status == "opened"], now))
    changes, closed = [], []
    for status, item in plan:
        if status == "opened":
            changes.append(TaskChange("task_opened", next(new_ids), item.element_id, item.name,
                                      item.candidate_group, item.due_at, item.candidate_groups))
        else:
            _close(session, item, status, now, actor_id if status == "completed" else None)
            closed.append(item.id)
            changes.append(TaskChange(f"task_{status}", item.id, item.element_id, item.name, item.candidate_group,
                                      item.due_at, item.groups))
    if closed:  # a closed task is offered to nobody: the offers stay as few as the open tasks
        session.connection().execute(WITHDRAW, {"task_ids": closed})
    return changes


def _insert(session: Session, instance_id: int, views: list[UserTaskState], now: datetime) -> list[int]:
    if not views:
        return []
    rows = [{"instance_id": instance_id, "engine_task_id": view.task_id, "element_id": view.element_id,
             "name": view.name, "candidate_group": view.candidate_group, "form_key": view.form_key,
             "candidate_groups": list(view.candidate_groups) or None,
             "status": "open", "created_at": now, "due_at": view.due_at,
             "assignee_id": _user_id(session, view.assignee), "completed_at": None, "completed_by": None,
             "row_version": 1} for view in views]
    ids = dict(session.connection().execute(INSERT, rows).all())
    offers = [{"task_id": ids[view.task_id], "group_name": name} for view in views for name in view.candidate_groups]
    if offers:
        session.connection().execute(OFFER, offers)
    return [ids[view.task_id] for view in views]


def _close(session: Session, row: Task, status: str, now: datetime, completed_by: int | None) -> None:
    result = session.connection().execute(CLOSE, {"task_id": row.id, "seen_version": row.row_version,
                                                  "new_status": status, "done_at": now, "done_by": completed_by})
    if result.rowcount != 1:
        raise Conflict(Text("task %(row_id)s was changed by someone else; reload and retry",
                            row_id=row.id))
    values = {"status": status, "completed_at": now, "row_version": row.row_version + 1}
    if completed_by is not None:
        values["completed_by"] = completed_by
    for key, value in values.items():
        set_committed_value(row, key, value)


def _user_id(session: Session, username: str | None) -> int | None:
    """A task the diagram assigns (``camunda:assignee``) goes straight to that person's list."""
    if not username:
        return None
    return session.scalar(select(User.id).where(User.username == username, User.active))
