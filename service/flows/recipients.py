"""Who a process means by a recipient list such as ``owner, owner_manager, group:legal``.

Tokens, comma-separated:
- ``owner`` - who started the instance; ``owner_manager`` / ``owner_manager:2`` - one or two levels up
  (where the chain ends sooner, its top);
- ``assignee:ELEMENT`` - whoever holds (or last held) the task with that element id;
  unassigned, it means the task's candidate group;
- ``assignee_manager:ELEMENT`` / ``assignee_manager:ELEMENT:2`` - that person's manager one or two levels up;
  unassigned, the managers of the candidate group's members;
- ``group:NAME`` - every active member; ``user:NAME`` - one person.

People, groups and members come from a `PeopleCache` (see `service.store.people_cache`) when the
caller passes the service's; without one, from the database.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import routing
from service.store.models import Instance, Task, User
from service.store.people_cache import PeopleCache, Person

from .errors import ProcessFailed

NO_CACHE = PeopleCache()  # reads through to the database


def resolve(session: Session, instance: Instance, spec: str, cache: PeopleCache = NO_CACHE) -> list[Person]:
    """Resolves a comma-separated recipient list, without duplicates, in order."""
    users: dict[int, Person] = {}
    for part in (p.strip() for p in str(spec).split(",") if p.strip()):
        for user in _resolve_one(session, instance, part, cache):
            users.setdefault(user.id, user)
    return list(users.values())


def people(session: Session, users: list[Person], cache: PeopleCache = NO_CACHE) -> list[routing.Person]:
    """The users with their group names, as notification routing needs them."""
    return [routing.Person(u.id, u.username, u.email, cache.groups_of(session, u.id)) for u in users]


def task_element(spec: str) -> str | None:
    """The task element a recipient list is about (``assignee:review`` -> ``review``), if any."""
    for part in (p.strip() for p in str(spec).split(",")):
        kind, _, rest = part.partition(":")
        if kind in ("assignee", "assignee_manager") and rest:
            return rest.partition(":")[0]
    return None


def latest_task(session: Session, instance_id: int, element_id: str) -> Task | None:
    query = select(Task).where(Task.instance_id == instance_id, Task.element_id == element_id)
    return session.scalars(query.order_by(Task.id.desc()).limit(1)).first()


def _resolve_one(session: Session, instance: Instance, part: str, cache: PeopleCache) -> list[Person]:
    kind, _, rest = part.partition(":")
    if kind == "owner":
        return _active(session, [instance.started_by], cache)
    if kind == "owner_manager":
        return _managers(session, instance.started_by, _levels(rest or "1", part), cache)
    if kind == "group" and rest:
        return group_members(session, rest, cache)
    if kind == "user" and rest:
        return [Person.of(u) for u in session.scalars(select(User).where(User.username == rest, User.active))]
    if kind in ("assignee", "assignee_manager") and rest:
        element, _, levels = rest.partition(":")
        task = latest_task(session, instance.id, element)
        if task is None:
            raise ProcessFailed(f"recipient {part!r}: no task {element!r} in this instance")
        if kind == "assignee":
            holder = task.assignee_id or task.completed_by
            return _active(session, [holder], cache) if holder else _offered(session, task, cache)
        holder = task.assignee_id or task.completed_by
        if holder:
            return _managers(session, holder, _levels(levels or "1", part), cache)
        managers: dict[int, Person] = {}  # nobody holds it: the managers of everyone who could
        for member in _offered(session, task, cache):
            for manager in _managers(session, member.id, _levels(levels or "1", part), cache):
                managers.setdefault(manager.id, manager)
        return list(managers.values())
    raise ProcessFailed(f"unknown recipient {part!r} (see service/flows/recipients.py)")


def _offered(session: Session, task: Task, cache) -> list[Person]:
    """Everyone who could take the task: the members of each of its groups, once each."""
    people: dict[int, Person] = {}
    for group in task.groups:
        for member in group_members(session, group, cache):
            people.setdefault(member.id, member)
    return list(people.values())


def _levels(text: str, part: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ProcessFailed(f"recipient {part!r}: levels must be a positive number")
    return int(text)


def _managers(session: Session, user_id: int | None, levels: int, cache: PeopleCache) -> list[Person]:
    """The manager `levels` steps up the org chart; where the chain ends sooner, its top.

    An escalation "two levels up" from someone who reports to the VP still reaches the VP,
    rather than nobody.
    """
    user = cache.person(session, user_id) if user_id else None
    top = None
    for _ in range(levels):
        if user is None or user.manager_id is None:
            break
        user = top = cache.person(session, user.manager_id)
    return [top] if top is not None and top.active else []


def group_members(session: Session, name: str | None, cache: PeopleCache = NO_CACHE) -> list[Person]:
    return list(cache.group_members(session, name)) if name else []


def _active(session: Session, ids, cache: PeopleCache) -> list[Person]:
    people = (cache.person(session, i) for i in ids if i is not None)
    return [p for p in people if p is not None and p.active]
