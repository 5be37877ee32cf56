"""Keeps the `task` table in step with the engine, in the same transaction.

People query tasks by assignee, group and due time; the serialized workflow is
the truth, the `task` rows are its indexed projection.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.runner import Snapshot
from service.store.models import Instance, Task, User


def project_tasks(session: Session, instance: Instance, snapshot: Snapshot, now: datetime,
                  actor_id: int | None = None) -> list[tuple[str, Task]]:
    """Opens new task rows, closes finished ones; returns (audit kind, task) pairs.

    `actor_id` is who completed the task that moved the process, if a person did.
    """
    with session.no_autoflush:  # the rows are written once, at commit
        open_rows = {row.engine_task_id: row for row in session.scalars(
            select(Task).where(Task.instance_id == instance.id, Task.status == "open"))}
    changes: list[tuple[str, Task]] = []
    seen = set()
    for view in snapshot.user_tasks:
        seen.add(view.task_id)
        row = open_rows.get(view.task_id)
        if row is None and view.state == "open":
            row = Task(instance_id=instance.id, engine_task_id=view.task_id, element_id=view.element_id,
                       name=view.name, candidate_group=view.candidate_group, form_key=view.form_key, status="open",
                       created_at=now, due_at=view.due_at, assignee_id=_user_id(session, view.assignee))
            session.add(row)
            changes.append(("task_opened", row))
        elif row is not None and view.state != "open":
            _close(row, view.state, now)
            if view.state == "completed":
                row.completed_by = actor_id
            changes.append((f"task_{view.state}", row))
    for engine_task_id, row in open_rows.items():
        if engine_task_id not in seen:
            _close(row, "cancelled", now)
            changes.append(("task_cancelled", row))
    return changes


def _user_id(session: Session, username: str | None) -> int | None:
    """A task the diagram assigns (``camunda:assignee``) goes straight to that person's list."""
    if not username:
        return None
    return session.scalar(select(User.id).where(User.username == username, User.active))


def _close(row: Task, status: str, now: datetime) -> None:
    row.status = status
    row.completed_at = now
