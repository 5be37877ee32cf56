"""Admin › People: the people, their groups and managers (the org chart), over the people API.

The page only reads; creating, editing, deactivating and unlocking go through
`POST /api/v1/people` and `/unlock`, like every change a page makes. Admins only, as the API.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from flask_babel import gettext
from sqlalchemy import select

from service.flows import queries_people
from service.flows.visibility import ADMIN_GROUP, groups_of
from service.store.models import Group, User

from .session_auth import page_login_required

bp = Blueprint("admin_people_pages", __name__)


@bp.get("/admin/people")
@page_login_required
def people_page():
    services = current_app.extensions["handoff"]
    with services.sessions() as session:
        if not queries_people.in_group(session, g.user.id, ADMIN_GROUP):
            abort(403, description=gettext("People and the org chart are kept by admins."))
        users = session.scalars(select(User).order_by(User.username)).all()
        names = {u.id: u.username for u in users}
        people = [{"id": u.id, "username": u.username, "display_name": u.display_name, "email": u.email,
                   "manager": names.get(u.manager_id), "groups": groups_of(session, u.id), "active": u.active,
                   "locked_until": u.locked_until} for u in users]
        groups = sorted(session.scalars(select(Group.name)))
        return render_template("admin_people.html", people=people, groups=groups)
