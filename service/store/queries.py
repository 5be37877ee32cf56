"""Named queries the flows and jobs need; each is one indexed statement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, undefer

from service.store.models import Group, Instance, Membership, ProcessVersion, TaskGroup

ID_LIMIT = 2**63  # row ids are 64-bit at most: a larger number from a form names no row (and PostgreSQL refuses it)


def by_id(session: Session, model, value):
    """The row whose id a person typed (form data, a diagram's parameter): None unless it is a plain id of one."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            return None
        value = int(value)
    return session.get(model, value) if 0 < value < ID_LIMIT else None


def latest_version(session: Session, process_id: str) -> ProcessVersion | None:
    return session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc()).limit(1)
    ).first()


def version_by_hash(session: Session, content_hash: str) -> ProcessVersion | None:
    """The newest version with these files (an undo deploys the same files again as a new version)."""
    return session.scalars(select(ProcessVersion).where(ProcessVersion.content_hash == content_hash)
                           .order_by(ProcessVersion.version.desc()).limit(1)).first()


def next_version_number(session: Session, process_id: str) -> int:
    current = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id))
    return (current or 0) + 1


def due_wakeups(session: Session, until: datetime, limit: int) -> list[tuple[int, datetime]]:
    """Instances whose next wake-up is at or before `until`, earliest first (uses the index)."""
    rows = session.execute(
        select(Instance.id, Instance.next_wakeup_at)
        .where(Instance.next_wakeup_at.is_not(None), Instance.next_wakeup_at <= until)
        .order_by(Instance.next_wakeup_at).limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def is_member(session: Session, user_id: int, group_name: str | None) -> bool:
    if group_name is None:
        return False
    return bool(session.scalar(select(exists().where(
        Membership.user_id == user_id, Membership.group_id == Group.id, Group.name == group_name))))


def in_any_group(session: Session, user_id: int, group_names: list[str]) -> bool:
    """Is the person a member of one of these groups (a task's candidate groups)?"""
    if not group_names:
        return False
    return bool(session.scalar(select(exists().where(
        Membership.user_id == user_id, Membership.group_id == Group.id, Group.name.in_(group_names)))))


def offered_to(group_names):
    """Ids of the open tasks offered to any of `group_names` (a list, or a query of names), for ``Task.id.in_``.

    `TaskGroup` holds open tasks only and is indexed by group name: one short index range per group.
    """
    return select(TaskGroup.task_id).where(TaskGroup.group_name.in_(group_names))


def overdue_tasks(session: Session, people: set[int], now: datetime) -> list:
    """Open tasks past their due time that `people` hold, or could claim when nobody holds them."""
    from sqlalchemy import and_, or_

    from service.store.models import Task

    their_groups = select(Group.name).join(Membership, Membership.group_id == Group.id).where(
        Membership.user_id.in_(people))
    query = (select(Task).where(Task.status == "open", Task.due_at < now, or_(
        Task.assignee_id.in_(people), and_(Task.assignee_id.is_(None), Task.id.in_(offered_to(their_groups)))))
        .order_by(Task.due_at))
    return list(session.scalars(query))


def escalations_for(session: Session, people: set[int], since: datetime) -> list:
    """Escalations since `since` that reached any of `people` (a manager and their reporting tree)."""
    from service.store.models import AuditEvent, User

    usernames = set(session.scalars(select(User.username).where(User.id.in_(people))))
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == "escalate", AuditEvent.at >= since)
                           .order_by(AuditEvent.at, AuditEvent.id))
    return [row for row in rows if usernames.intersection(row.data.get("recipients", []))]


def accepted_not_invoiced(session: Session, now: datetime, days: int = 7) -> list:
    """Projects accepted (awaiting payment, in Invoicing) for more than `days` (R6's managers' list)."""
    from datetime import timedelta

    query = (select(Instance).where(Instance.status.in_(("running", "error", "suspended")),  # not cancelled
                                    Instance.stage == "Invoicing",
                                    Instance.project_status == "awaiting payment",
                                    Instance.stage_entered_at < now - timedelta(days=days))
             .order_by(Instance.stage_entered_at))
    return list(session.scalars(query))


def newest_files(session: Session) -> dict[str, str]:
    """Every file of the newest version of every process: the library as deployed."""
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_id).subquery())
    rows = session.scalars(select(ProcessVersion).options(undefer(ProcessVersion.files)).join(
        newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.v == ProcessVersion.version))
        .order_by(ProcessVersion.deployed_at, ProcessVersion.id))  # the latest deploy's copy of a shared file wins
    files: dict[str, str] = {}
    for row in rows:
        files.update(row.files)
    return files
