"""Who a process means by 'owner', 'owner_manager', 'group:legal' or 'user:alice'."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import Group, Instance, Membership, User

from .errors import ProcessFailed


def resolve(session: Session, instance: Instance, spec: str) -> list[User]:
    """Resolves a comma-separated recipient list, without duplicates, in order."""
    users: dict[int, User] = {}
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        for user in _resolve_one(session, instance, part):
            users.setdefault(user.id, user)
    return list(users.values())


def _resolve_one(session: Session, instance: Instance, part: str) -> list[User]:
    kind, _, name = part.partition(":")
    if kind == "owner":
        return _users(session, [instance.started_by])
    if kind == "owner_manager":
        owner = session.get(User, instance.started_by) if instance.started_by else None
        return _users(session, [owner.manager_id] if owner else [])
    if kind == "group" and name:
        query = (select(User).join(Membership, Membership.user_id == User.id)
                 .join(Group, Group.id == Membership.group_id).where(Group.name == name, User.active))
        return list(session.scalars(query.order_by(User.id)))
    if kind == "user" and name:
        return list(session.scalars(select(User).where(User.username == name, User.active)))
    raise ProcessFailed(f"unknown recipient {part!r} (use owner, owner_manager, group:NAME or user:NAME)")


def _users(session: Session, ids) -> list[User]:
    return [u for u in (session.get(User, i) for i in ids if i is not None) if u is not None and u.active]
