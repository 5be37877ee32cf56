"""Who may act at all, asked before anything they sent is validated.

Someone outside a start lane, or who does not hold a task, hears 403 (or 404 for what they may not
see), never a 422 listing the fields a form wants: authorization comes before validation. The use
cases in `instances` call these same rules inside their own transaction; `check_*` lets the API ask
first, before it parses a body, with the same words.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store import queries
from service.store.models import Instance, Task, User

from . import discipline, freezing, org, recipients, versions, visibility
from .context import Services
from .errors import Forbidden, NotFound, ProcessFailed
from .names import split_names


def may_start(session: Session, parsed, process_id: str, actor_id: int | None, now: datetime) -> None:
    """The diagram says who starts it (its start event's lane); a start guard may still hold someone back."""
    lane = parsed.start_lane
    if actor_id is not None and lane and not queries.is_member(session, actor_id, lane):
        raise Forbidden(Text("only %(lane)r can start %(process_id)s", lane=lane, process_id=process_id))
    for name in split_names(parsed.properties.get("start_guard")):
        guard = discipline.GUARDS.get(name)
        if guard is None:
            raise ProcessFailed(f"process {process_id}: unknown start guard {name!r}")
        guard(session, actor_id, now)


def _holder(session: Session, task: Task) -> str:
    return session.scalar(select(User.display_name).where(User.id == task.assignee_id)) or "someone else"


def may_complete(session: Session, task: Task, actor_id: int) -> None:
    """Only the holder (R9). The reason says who holds it, or that nobody does yet: said only to those who see it."""
    if task.assignee_id == actor_id:
        return
    if task.assignee_id is None:
        raise Forbidden(Text("nobody holds this task yet: a member of %(group_names)s claims it first, "
                             "then completes it",
                             group_names=group_names(task)))
    raise Forbidden(Text("%(holder)s holds this task: only they can complete it (a manager of theirs can reassign it)",
                         holder=_holder(session, task)))


def may_claim(session: Session, task: Task, actor_id: int) -> None:
    if task.assignee_id == actor_id:
        return
    if not queries.in_any_group(session, actor_id, task.groups):
        raise Forbidden(Text("only members of %(group_names)s can claim this task",
                             group_names=group_names(task)))
    if task.assignee_id is not None:
        raise Forbidden(Text("%(holder)s holds this task already: ask them to hand it back, "
                             "or a manager of theirs to reassign it", holder=_holder(session, task)))


def group_names(task: Task) -> str:
    """``'legal'``, or ``'legal' or 'finance'`` for a task offered to several groups."""
    return " or ".join(repr(name) for name in task.groups) or "its candidate group"


def may_unclaim(session: Session, task: Task, actor_id: int) -> None:
    if task.assignee_id == actor_id:
        return
    if task.assignee_id is None:
        raise Forbidden(Text("nobody holds this task: there is nothing to hand back"))
    raise Forbidden(Text("%(holder)s holds this task: only they can hand it back",
                         holder=_holder(session, task)))


def may_reassign(session: Session, services: Services, task: Task, actor_id: int) -> None:
    """R9: only a manager above the current holder, or above a member of the group while nobody holds it."""
    holders = [task.assignee_id] if task.assignee_id else [
        u.id for group in task.groups for u in recipients.group_members(session, group, services.people)]
    if not any(org.is_manager_of(session, actor_id, holder) for holder in holders):
        raise Forbidden(Text("only a manager of the person holding the task (or of its group) can reassign it"))


def may_release(session: Session, instance: Instance, actor_id: int | None) -> None:
    """A process freeze: its release group; a manual freeze: the owner's managers and admins (`freezing`)."""
    if actor_id is None or not instance.frozen:
        return  # nothing to release: the use case's 409, whoever asks
    decision = freezing.may_release(session, actor_id, instance)
    if not decision:
        raise Forbidden(decision.reason)


def check_start(services: Services, process_id: str, actor_id: int) -> None:
    with services.sessions() as session:
        version = queries.latest_version(session, process_id)
        if version is None:
            raise NotFound(Text("no process %(process_id)r is deployed", process_id=process_id))
        may_start(session, versions.load(services, version), process_id, actor_id, services.clock())


TASK_RULES = {
    "complete": lambda session, services, task, actor_id: may_complete(session, task, actor_id),
    "claim": lambda session, services, task, actor_id: may_claim(session, task, actor_id),
    "unclaim": lambda session, services, task, actor_id: may_unclaim(session, task, actor_id),
    "reassign": may_reassign,
}


def check_task(services: Services, action: str, task_id: int, actor_id: int) -> None:
    """404 for a task the actor may not see, 403 if they may not take this action on it."""
    with services.sessions() as session:
        task = session.get(Task, task_id)
        if task is None or not visibility.can_see_task(session, actor_id, task):
            raise NotFound(Text("no task %(task_id)s that you can see", task_id=task_id))
        if task.status == "open":  # a closed task is a 409 from the use case, whoever asks
            TASK_RULES[action](session, services, task, actor_id)


def check_release(services: Services, instance_id: int, actor_id: int) -> None:
    with services.sessions() as session:
        instance = session.get(Instance, instance_id)
        if instance is None or not visibility.can_see_instance(session, actor_id, instance):
            raise NotFound(Text("no instance %(instance_id)s that you can see", instance_id=instance_id))
        may_release(session, instance, actor_id)
