"""Groups (who may do what, and whose tasks one claims): everyone may look; admins add an empty one.

Members change on the person (`POST /api/v1/people` with `groups`); a group named there that does
not exist is made then, so creating one here is for a group a diagram names before anyone is in it.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import select

from service.flows import queries_people
from service.flows.visibility import ADMIN_GROUP
from service.store.models import Group, Membership, User

from . import schemas
from .auth import login_required
from .common import authorized_first, services

blp = Blueprint("groups", __name__, url_prefix="/api/v1/groups", description="Groups and their members")


def _members(session) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    rows = session.execute(select(Group.name, User.username).outerjoin(Membership, Membership.group_id == Group.id)
                           .outerjoin(User, User.id == Membership.user_id).order_by(Group.name, User.username))
    for name, username in rows:
        members.setdefault(name, [])
        if username:
            members[name].append(username)
    return members


@blp.route("", methods=["GET"])
@blp.response(200, schemas.GroupSchema(many=True))
@login_required
def list_groups():
    """Every group with its members' usernames, by name."""
    with services().sessions() as session:
        return [{"name": name, "members": users} for name, users in _members(session).items()]


def _admin(actor: int, **_) -> None:
    with services().sessions() as session:
        if not queries_people.in_group(session, actor, ADMIN_GROUP):
            abort(403, description=gettext("only admins change people and the org chart"))


@blp.route("", methods=["POST"])
@login_required
@authorized_first(_admin)
@blp.arguments(schemas.GroupSchema)
@blp.response(201, schemas.GroupSchema)
def create_group(body):
    """Adds an empty group; 409 if one of that name exists."""
    with services().sessions() as session:
        if session.scalar(select(Group.id).where(Group.name == body["name"])) is not None:
            abort(409, description=gettext("a group named %(name)r exists already", name=body['name']))
        session.add(Group(name=body["name"]))
        session.commit()
    return {"name": body["name"], "members": []}
