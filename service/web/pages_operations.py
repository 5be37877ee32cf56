"""The Operations page: incidents an admin or a process's owners can repair (retry, skip, cancel)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext

from service.flows import incidents
from service.store.models import Instance

from .session_auth import page_login_required

bp = Blueprint("operations_pages", __name__)
STATUSES = ("open", "resolved", "all")


@bp.get("/operations")
@page_login_required
def operations():
    """Incidents newest first, filtered by status, process and element; actions post to the API."""
    services = current_app.extensions["handoff"]
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    process_id = request.args.get("process_id") or None
    element_id = request.args.get("element_id") or None
    with services.sessions() as session:
        if not incidents.operates_anything(session, services, g.user.id):
            abort(403, description=gettext("Only admins and the owners of a process see the Operations page."))
        rows = incidents.list_incidents(services, session, g.user.id, status=status, process_id=process_id,
                                        element_id=element_id, per_page=200)
        shown = [(row, session.get(Instance, row.instance_id)) for row in rows]
        items = [{"incident": row, "version": inst.row_version, "process": inst.process_version.name}
                 for row, inst in shown]
    return render_template("operations.html", items=items, status=status, statuses=STATUSES,
                           process_id=process_id or "", element_id=element_id or "")
