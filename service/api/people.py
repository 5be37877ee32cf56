"""People and the org chart: everyone may look; admins change (escalations walk up `manager`)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from service.clock import utcnow
from service.flows import logins, org, queries_people
from service.flows.visibility import groups_of
from service.store.models import Group, Membership, User

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, services

blp = Blueprint("people", __name__, url_prefix="/api/v1/people", description="People and the org chart")
ADMINS = "admins"


def _view(session, user: User) -> dict:
    manager = session.get(User, user.manager_id) if user.manager_id else None
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
            "manager": manager.username if manager else None, "groups": groups_of(session, user.id),
            "active": user.active, "locked_until": user.locked_until, "failed_logins": user.failed_logins or 0,
            "locale": user.locale, "mobile": user.mobile, "chat_ids": dict(user.chat_ids or {})}


@blp.route("", methods=["GET"])
@blp.response(200, schemas.PersonSchema(many=True))
@login_required
def list_people():
    with services().sessions() as session:
        return [_view(session, u) for u in session.scalars(select(User).order_by(User.username))]


def _admin(actor: int) -> None:
    with services().sessions() as session:
        if not queries_people.in_group(session, actor, ADMINS):
            abort(403, description=gettext("only admins change people and the org chart"))


@blp.route("", methods=["POST"])
@login_required
@authorized_first(_admin)
@blp.arguments(schemas.PersonSchema)
@blp.response(201, schemas.PersonSchema)
def save_person(body):
    """Creates or updates a person by username: name, manager, groups, active, password."""
    with services().sessions() as session:
        user = session.scalar(select(User).where(User.username == body["username"]))
        if user is None:
            user = User(username=body["username"], created_at=utcnow())
            session.add(user)
        user.display_name, user.email, user.active = body["display_name"], body["email"], body["active"]
        for name in ("locale", "mobile", "chat_ids"):
            if name in body:
                setattr(user, name, body[name] or None)
        if body["password"]:
            user.password_hash = generate_password_hash(body["password"])
            if user.id is not None:  # a new password ends the sessions made with the old one; a new person has none
                logins.end_sessions(session, user.id)
        session.flush()
        user.manager_id = _manager_id(session, user, body["manager"])
        _set_groups(session, user, body["groups"])
        session.commit()
        return _view(session, user)


@blp.route("/<int(max=9223372036854775807):user_id>/unlock", methods=["POST"])
@blp.response(200, schemas.PersonSchema)
@login_required
def unlock(user_id: int):
    """Lifts a lockout after too many failed logins (admins), before it runs out; the count restarts."""
    with services().sessions() as session:
        if not queries_people.in_group(session, actor_id(), ADMINS):
            abort(403, description=gettext("only admins unlock logins"))
        return _view(session, logins.unlock(session, user_id, actor_id(), utcnow()))


def _manager_id(session, user: User, username: str | None) -> int | None:
    if not username:
        return None
    manager = session.scalar(select(User).where(User.username == username))
    if manager is None:
        abort(422, description=gettext("no manager %(username)r", username=username))
    if manager.id == user.id or org.is_manager_of(session, user.id, manager.id):
        abort(422, description=gettext("that manager would make the org chart a circle"))
    return manager.id


def _set_groups(session, user: User, names: list[str]) -> None:
    groups = {g.name: g for g in session.scalars(select(Group).where(Group.name.in_(names)))}
    for name in set(names) - set(groups):
        groups[name] = Group(name=name)
        session.add(groups[name])
    session.flush()
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    for group in groups.values():
        session.add(Membership(user_id=user.id, group_id=group.id))
