"""Who may operate an instance that went wrong: one permission per action, one table (issue 10).

Seeing an instance is not enough to stop, move or repair it. Each action names who may take it:

- ``admins`` may take every action;
- the process's **owners** (the ``owners`` property on the diagram's process element, a comma list
  of groups; ``admins`` when the diagram names none) repair their process: retry and skip incidents,
  move tokens, migrate to a new version, cancel, suspend and resume;
- the **managers of the instance's owner** (whoever started it, their whole management chain) decide
  about their people's projects: cancel (a lost deal), suspend and resume; they do not repair
  diagrams, so neither move nor migrate nor skip.

The decision lives here, not in Flask: the API asks first (`check_operate`, 404 before 403 before
422) and each use case asks again inside its own transaction (`may_operate`), with the same words.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.i18n import Text
from service.store.models import Instance

from . import org, visibility
from .context import Services
from .errors import Forbidden, NotFound
from .names import split_names

ADMINS, PROCESS_OWNERS, OWNER_MANAGERS = "admins", "process owners", "owner's managers"
DEFAULT_OWNERS = [visibility.ADMIN_GROUP]

ACTIONS: dict[str, tuple[str, ...]] = {
    "cancel": (ADMINS, PROCESS_OWNERS, OWNER_MANAGERS),
    "suspend": (ADMINS, PROCESS_OWNERS, OWNER_MANAGERS),
    "resume": (ADMINS, PROCESS_OWNERS, OWNER_MANAGERS),
    "move": (ADMINS, PROCESS_OWNERS),
    "migrate": (ADMINS, PROCESS_OWNERS),
    "retry": (ADMINS, PROCESS_OWNERS),
    "skip": (ADMINS, PROCESS_OWNERS),
}
ADMIN_ACTIONS = {"resend": Text("only admins can resend deliveries")}  # on the service, not one instance
REFUSALS = {"cancel": Text("only %(who)s can cancel this instance"),
            "suspend": Text("only %(who)s can suspend this instance"),
            "resume": Text("only %(who)s can resume this instance"),
            "move": Text("only %(who)s can move a token of this instance"),
            "migrate": Text("only %(who)s can migrate this instance"),
            "retry": Text("only %(who)s can retry an incident of this instance"),
            "skip": Text("only %(who)s can skip a step of this instance")}


def owners_of(parsed) -> list[str]:
    """The groups the diagram names as its owners (``owners`` process property), else admins."""
    return split_names((parsed.properties or {}).get("owners")) or list(DEFAULT_OWNERS)


def _owners(services: Services, instance: Instance) -> list[str]:
    return owners_of(services.library.get(instance.process_version.content_hash))


def holds(session: Session, services: Services, actor_id: int, instance: Instance, who: str,
          groups: list[str]) -> bool:
    if who == ADMINS:
        return visibility.ADMIN_GROUP in groups
    if who == PROCESS_OWNERS:
        return bool(set(groups) & set(_owners(services, instance)))
    if who == OWNER_MANAGERS:
        return instance.started_by is not None and org.is_manager_of(session, actor_id, instance.started_by)
    raise ValueError(f"unknown role {who!r}")


def allowed(session: Session, services: Services, actor_id: int | None, instance: Instance, action: str) -> bool:
    """Whether the actor may take `action` on `instance`; `actor_id=None` is the service itself."""
    if actor_id is None:
        return True
    groups = visibility.groups_of(session, actor_id)
    return any(holds(session, services, actor_id, instance, who, groups) for who in ACTIONS[action])


def may_operate(session: Session, services: Services, actor_id: int | None, instance: Instance,
                action: str) -> None:
    """Raises `Forbidden` naming who may, if the actor may not take `action` on `instance`."""
    if not allowed(session, services, actor_id, instance, action):
        who = None
        for role in ACTIONS[action]:
            part = _describe(services, instance, role)
            who = part if who is None else Text("%(first)s or %(second)s", first=who, second=part)
        raise Forbidden(Text(REFUSALS[action].msgid, who=who))


def _describe(services: Services, instance: Instance, role: str) -> Text:
    if role == PROCESS_OWNERS:
        return Text("the process's owners (%(names)s)", names=", ".join(_owners(services, instance)))
    return {ADMINS: Text("admins"), OWNER_MANAGERS: Text("a manager of whoever started it")}[role]


def may_admin(session: Session, actor_id: int | None, action: str) -> None:
    """Actions not tied to an instance (resending deliveries): admins, or the service itself."""
    if actor_id is not None and visibility.ADMIN_GROUP not in visibility.groups_of(session, actor_id):
        raise Forbidden(ADMIN_ACTIONS[action])


def can_see(session: Session, services: Services, actor_id: int, instance: Instance) -> bool:
    """An instance's operators see it even when they took no part in it (a process owner group)."""
    return (visibility.can_see_instance(session, actor_id, instance)
            or bool(set(visibility.groups_of(session, actor_id)) & set(_owners(services, instance))))


def check_operate(services: Services, instance_id: int, actor_id: int, action: str) -> None:
    """The API's question before it reads a body: 404 for an instance one may not see, 403 if not theirs."""
    with services.sessions() as session:
        instance = session.get(Instance, instance_id)
        if instance is None or not can_see(session, services, actor_id, instance):
            raise NotFound(Text("no instance %(instance_id)s that you can see", instance_id=instance_id))
        may_operate(session, services, actor_id, instance, action)
