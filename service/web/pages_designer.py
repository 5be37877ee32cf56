"""The designer page: upload BPMN and forms, see problems by file and line, deploy, versions, diagram preview."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import undefer

from service.flows import visibility
from service.store.models import ProcessVersion

from .process_i18n import localized_xml, parsed_of, process_title
from .session_auth import page_login_required

bp = Blueprint("designer_pages", __name__)
DESIGNERS = "designers"


@bp.get("/designer")
@bp.get("/designer/<process_id>")
@page_login_required
def designer(process_id: str | None = None):
    with current_app.extensions["handoff"].sessions() as session:
        if DESIGNERS not in visibility.groups_of(session, g.user.id):
            abort(403, description=gettext("Only process designers deploy processes."))
        versions = session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_id,
                                                                   ProcessVersion.version.desc())).all()
        processes: dict[str, list[ProcessVersion]] = {}
        for version in versions:
            processes.setdefault(version.process_id, []).append(version)
        chosen = process_id or next(iter(processes), None)
        preview = None
        if chosen in processes:
            newest = session.scalars(select(ProcessVersion).options(undefer(ProcessVersion.files)).where(
                ProcessVersion.id == processes[chosen][0].id)).one()
            preview = next((text for path, text in sorted(newest.files.items())
                            if path.endswith(".bpmn") and f'id="{chosen}"' in text), None)
            preview = localized_xml(preview, parsed_of(newest.content_hash)) if preview else preview
        name = process_title(processes[chosen][0], rule_ids=True) if chosen in processes else None
        return render_template("designer.html", processes=processes, chosen=chosen, preview=preview,
                               chosen_name=name or (chosen or "").replace("_", " "))
