"""Who may freeze an instance by hand, and who may release a freeze: permissions of their own (R4, issue 13).

Seeing an instance is not enough to stop it. Two kinds of freeze exist:

- a **process freeze**, set by a step of the diagram (the knowledge-base check, `kb_check`), names
  its release group (`release_group`, e.g. `product`): members of that group release it, as R4 says;
- a **manual freeze** (`POST /instances/{id}/freeze`) stops someone's project for a reason a person
  gives. Only the managers of the instance's owner (whoever started it, and so answers for it: their
  whole management chain) and admins may do that, and the same people release it. A manual freeze
  has no release group (`release_group` is NULL): the rule above decides.

The decision lives here, not in Flask, so every way in (API, pages, jobs) asks the same question and
gets the same reason; `freeze`/`release` in `flows.instances` refuse with `Forbidden(reason)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store.models import AuditEvent, Instance, User

from . import org
from .errors import FormInvalid
from .visibility import ADMIN_GROUP, groups_of


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Text = ""

    def __bool__(self) -> bool:
        return self.allowed


def _owner_name(session: Session, instance: Instance) -> str | Text:
    if instance.started_by is None:
        return Text("nobody (it was started by the service)")
    name = session.scalar(select(User.display_name).where(User.id == instance.started_by))
    return name or Text("user %(user_id)s", user_id=instance.started_by)


def _manages_owner(session: Session, user_id: int, instance: Instance) -> bool:
    return instance.started_by is not None and org.is_manager_of(session, user_id, instance.started_by)


def may_freeze(session: Session, user_id: int, instance: Instance, groups: list[str] | None = None) -> Decision:
    """A manual freeze: the owner's managers (any level up) and admins."""
    mine = groups if groups is not None else groups_of(session, user_id)
    if ADMIN_GROUP in mine or _manages_owner(session, user_id, instance):
        return Decision(True)
    return Decision(False, Text("only a manager of the project's owner (%(owner)s) or an admin can freeze it",
                                owner=_owner_name(session, instance)))


def may_release(session: Session, user_id: int, instance: Instance, groups: list[str] | None = None) -> Decision:
    """A process freeze: its release group. A manual freeze: the owner's managers and admins."""
    mine = groups if groups is not None else groups_of(session, user_id)
    if not instance.frozen:
        return Decision(False, Text("instance %(instance_id)s is not frozen", instance_id=instance.id))
    if instance.release_group:
        if instance.release_group in mine:
            return Decision(True)
        return Decision(False, Text("only %(group)r can release this instance (%(reason)s)",
                                    group=instance.release_group, reason=instance.frozen_reason))
    if ADMIN_GROUP in mine or _manages_owner(session, user_id, instance):
        return Decision(True)
    return Decision(False, Text("only a manager of the project's owner (%(owner)s) or an admin can release this "
                                "freeze (%(reason)s)", owner=_owner_name(session, instance),
                                reason=instance.frozen_reason))


MAX_REBIND_LENGTH = 200  # a knowledge-base version (`kb_product.current_version`)


def rebind_offer(session: Session, instance: Instance) -> dict:
    """What the freeze offered a release to set (the knowledge-base check's ``rebinds``), e.g. a new version."""
    event = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                     AuditEvent.kind == "instance_frozen")
                            .order_by(AuditEvent.id.desc()).limit(1)).first()
    offer = (event.data or {}).get("rebind") if event is not None else None
    return offer if isinstance(offer, dict) else {}


def check_release_data(session: Session, instance: Instance, data: dict) -> None:
    """A release is not a way round the forms: it may set only the variables its freeze offered to rebind."""
    if not data:
        return
    offered, errors = rebind_offer(session, instance), {}
    for key, value in data.items():
        if key not in offered:
            errors[key] = [Text("this freeze offers nothing to set here") if not offered
                           else Text("a release may set only %(names)s", names=', '.join(sorted(offered)))]
        elif not isinstance(value, str) or not 0 < len(value) <= MAX_REBIND_LENGTH:
            errors[key] = [Text("must be a text of 1 to %(n)s characters",
                                n=MAX_REBIND_LENGTH)]
    if errors:
        raise FormInvalid(Text("the release data is invalid"), errors)
