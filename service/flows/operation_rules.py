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
ADMIN_ACTIONS = {"resend": "resend deliveries"}  # actions on the service, not on one instance: admins only
VERBS = {"cancel": "cancel", "suspend": "suspend", "resume": "resume", "move": "move a token of",
         "migrate": "migrate", "retry": "retry an incident of", "skip": "skip a step of"}


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
        who = " or ".join(_describe(services, instance, role) for role in ACTIONS[action])
        raise Forbidden(f"only {who} can {VERBS[action]} this instance")


def _describe(services: Services, instance: Instance, role: str) -> str:
    if role == PROCESS_OWNERS:
        return "the process's owners (" + ", ".join(_owners(services, instance)) + ")"
    return {ADMINS: "admins", OWNER_MANAGERS: "a manager of whoever started it"}[role]


def may_admin(session: Session, actor_id: int | None, action: str) -> None:
    """Actions not tied to an instance (resending deliveries): admins, or the service itself."""
    if actor_id is not None and visibility.ADMIN_GROUP not in visibility.groups_of(session, actor_id):
        raise Forbidden(f"only admins can {ADMIN_ACTIONS[action]}")


def can_see(session: Session, services: Services, actor_id: int, instance: Instance) -> bool:
    """An instance's operators see it even when they took no part in it (a process owner group)."""
    return (visibility.can_see_instance(session, actor_id, instance)
            or bool(set(visibility.groups_of(session, actor_id)) & set(_owners(services, instance))))


def check_operate(services: Services, instance_id: int, actor_id: int, action: str) -> None:
    """The API's question before it reads a body: 404 for an instance one may not see, 403 if not theirs."""
    with services.sessions() as session:
        instance = session.get(Instance, instance_id)
        if instance is None or not can_see(session, services, actor_id, instance):
            raise NotFound(f"no instance {instance_id} that you can see")
        may_operate(session, services, actor_id, instance, action)
