"""The first administrator of a fresh install (`handoff admin create`): nobody can log in before one exists.

Creating people needs an admin, and `handoff token` needs an existing user, so a new install
starts here. The same password rule and hashing as the people API; one transaction with its
audit entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from service.i18n import Text
from service.store.models import Group, Membership, User

from . import audit
from .context import Services
from .errors import Conflict, FormInvalid
from .unit_of_work import UnitOfWork
from .visibility import ADMIN_GROUP

MIN_PASSWORD = 8  # as `PersonSchema.password`
USERNAME = r"^[a-z0-9_.-]{2,100}$"


@dataclass(frozen=True)
class CreatedAdmin:
    user_id: int
    username: str


def create_admin(services: Services, username: str, password: str, display_name: str | None = None,
                 email: str | None = None) -> CreatedAdmin:
    """An active person in `admins` (the group is created on a fresh database); refuses an existing name."""
    errors = {}
    if not re.match(USERNAME, username or ""):
        errors["username"] = [Text("2 to 100 lower-case letters, digits, '_', '.' or '-'")]
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = [Text("at least %(n)s characters", n=MIN_PASSWORD)]
    if errors:
        raise FormInvalid("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(Text("a person named %(username)r exists already; an admin changes them in People",
                                username=username))
        group = session.scalar(select(Group).where(Group.name == ADMIN_GROUP))
        if group is None:
            group = Group(name=ADMIN_GROUP)
            session.add(group)
        user = User(username=username, display_name=display_name or username, email=email,
                    password_hash=generate_password_hash(password), active=True, created_at=now)
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, group_id=group.id))
        audit.record(session, now, "admin_created", user_id=user.id, username=username, by="cli")
        uow.commit()
        return CreatedAdmin(user.id, username)
