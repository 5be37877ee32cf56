"""Who may see what: people see the work they take part in, and the work of people they manage.

A task is seen by those who take part in it (`can_see_task`): whoever holds it, held it or completed
it, the members of the groups it is offered to (claimed or not, open or done: it is their group's
work), and everyone who can see its instance. Someone who sees a task and may not act on it hears 403
with the reason ("Lena Gross holds this task"); someone who does not see it hears 404.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.store import queries
from service.store.models import AuditEvent, Group, Instance, Membership, Task

from . import org

ADMIN_GROUP = "admins"


def groups_of(session: Session, user_id: int) -> list[str]:
    query = select(Group.name).join(Membership, Membership.group_id == Group.id).where(Membership.user_id == user_id)
    return sorted(session.scalars(query))


TOOK_PART = ("instance_frozen", "instance_released")  # acting on an instance, not only on its tasks


def participants(session: Session, instance: Instance) -> set[int]:
    """Who started it, holds or held its tasks, or froze or released it."""
    people = {instance.started_by} if instance.started_by else set()
    for assignee, completer in session.execute(select(Task.assignee_id, Task.completed_by)
                                               .where(Task.instance_id == instance.id)):
        people |= {p for p in (assignee, completer) if p}
    people |= set(session.scalars(select(AuditEvent.actor_id).where(
        AuditEvent.instance_id == instance.id, AuditEvent.kind.in_(TOOK_PART), AuditEvent.actor_id.is_not(None))))
    return people


def can_see_instance(session: Session, user_id: int, instance: Instance) -> bool:
    if queries.is_member(session, user_id, ADMIN_GROUP):
        return True
    people = participants(session, instance)
    if user_id in people:
        return True
    mine = groups_of(session, user_id)
    if instance.frozen and instance.release_group in mine:
        return True  # the people who may release a frozen instance must be able to look at it (R4)
    open_for_me = session.scalar(select(Task.id).where(  # work I could claim: I am about to take part
        Task.instance_id == instance.id, Task.status == "open", Task.assignee_id.is_(None),
        Task.id.in_(queries.offered_to(mine))).limit(1))
    if open_for_me:
        return True
    below = org.reporting_tree(session, user_id)
    return bool(below & people)


def visible_instances(session: Session, user_id: int, groups: list[str] | None = None):
    """`can_see_instance` as one SQL condition on `Instance`, for lists: None when the viewer sees everything.

    The viewer's groups and reporting tree are read first (a statement per level of the org chart,
    whatever the number of instances) and go into the condition as literal ids: the planner then
    knows how few tasks they hold and uses the indexes. (A recursive CTE in the condition kept it to
    one statement, but PostgreSQL cannot estimate a CTE's rows and scanned the task table per row.)
    """
    mine = groups if groups is not None else groups_of(session, user_id)
    if ADMIN_GROUP in mine:
        return None
    people = sorted(org.reporting_tree(session, user_id) | {user_id})
    held = select(Task.instance_id).where(Task.assignee_id.in_(people))  # each its own index: no task scan
    completed = select(Task.instance_id).where(Task.completed_by.in_(people))
    claimable = select(Task.instance_id).where(Task.status == "open", Task.assignee_id.is_(None),
                                               Task.id.in_(queries.offered_to(mine)))
    acted = select(AuditEvent.instance_id).where(AuditEvent.kind.in_(TOOK_PART), AuditEvent.actor_id.in_(people))
    return (Instance.started_by.in_(people) | Instance.id.in_(held) | Instance.id.in_(completed)
            | Instance.id.in_(claimable) | Instance.id.in_(acted)
            | (Instance.frozen.is_(True) & Instance.release_group.in_(mine)))


HELD = ("task_claimed", "task_reassigned")  # the log's entries that gave a task to someone


def former_holders(session: Session, task: Task) -> set[int]:
    """Everyone who held the task before its current holder: claimed it, or was given it or reassigned from it."""
    people: set[int] = set()
    for kind, actor, data in session.execute(select(AuditEvent.kind, AuditEvent.actor_id, AuditEvent.data).where(
            AuditEvent.instance_id == task.instance_id, AuditEvent.task_id == task.id,  # the instance's index
            AuditEvent.kind.in_(HELD))):
        if kind == "task_claimed" and actor:
            people.add(actor)
        for key in ("previous", "assignee"):
            if isinstance((data or {}).get(key), int):
                people.add(data[key])
    return people


def can_see_task(session: Session, user_id: int, task: Task) -> bool:
    """Those who take part in it (see the module's docstring), and whoever can see its instance."""
    if user_id in (task.assignee_id, task.completed_by):
        return True
    if queries.in_any_group(session, user_id, task.groups):
        return True  # their group's work, whoever holds it: they hear why they may not act, not "no such task"
    if user_id in former_holders(session, task):
        return True
    return can_see_instance(session, user_id, session.get(Instance, task.instance_id))


def can_read_task(session: Session, user_id: int, task: Task) -> bool:
    """Who may read what a task holds (its data, answers, context, sealed and signed sections, documents).

    Its holder and its completer, and whoever can see its instance (R6: which includes the members of
    the groups an open, unclaimed task is offered to). A colleague who only knows of the task (their
    group's work someone else holds or did, a former holder) reads its name, state and holder - enough
    to hear why they may not act - but not the project's data.
    """
    if user_id in (task.assignee_id, task.completed_by):
        return True
    return can_see_instance(session, user_id, session.get(Instance, task.instance_id))


def done_by(session: Session, user_id: int, page: int, per_page: int) -> list[Task]:
    """The tasks a person completed, newest first, one page (and one more row, to tell if more follow)."""
    return list(session.scalars(select(Task).where(Task.completed_by == user_id, Task.status == "completed")
                                .order_by(Task.completed_at.desc(), Task.id.desc())
                                .offset((page - 1) * per_page).limit(per_page + 1)))


def waiting_for_release(session: Session, user_id: int, groups: list[str] | None = None) -> list[Instance]:
    """Frozen instances whose release group is one of the person's: work that waits on them (R4)."""
    mine = groups if groups is not None else groups_of(session, user_id)
    if not mine:
        return []
    return list(session.scalars(select(Instance).where(
        Instance.frozen.is_(True), Instance.release_group.in_(mine), Instance.status == "running")
        .order_by(Instance.updated_at, Instance.id)))


def task_lists(session: Session, user_id: int, scope: str, now) -> list[Task]:
    """``mine`` (assigned to me), ``groups`` (claimable by my groups), ``overdue`` (mine and my tree's)."""
    if scope == "mine":
        query = select(Task).where(Task.status == "open", Task.assignee_id == user_id)
    elif scope == "groups":
        query = select(Task).where(Task.status == "open", Task.assignee_id.is_(None),
                                   Task.id.in_(queries.offered_to(groups_of(session, user_id))))
    elif scope == "overdue":
        return queries.overdue_tasks(session, org.reporting_tree(session, user_id) | {user_id}, now)
    else:
        raise ValueError(scope)
    return list(session.scalars(query.order_by(or_(Task.due_at.is_(None), False), Task.due_at, Task.id)))
