"""Operations page for migrations: versions that still have unfinished instances, a dry run, migrate all."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template
from flask_babel import gettext
from sqlalchemy import func, select

from service.flows import operation_rules, visibility
from service.flows.migrate import UNFINISHED
from service.store.models import Instance, ProcessVersion

from .session_auth import page_login_required

bp = Blueprint("migrations_pages", __name__)


@bp.get("/operations/migrations")
@page_login_required
def migrations():
    """Each version with unfinished instances the viewer may migrate (admins, the version's owners)."""
    services = current_app.extensions["handoff"]
    with services.sessions() as session:
        groups = set(visibility.groups_of(session, g.user.id))
        counts = session.execute(select(Instance.process_version_id, func.count())
                                 .where(Instance.status.in_(UNFINISHED))
                                 .group_by(Instance.process_version_id)).all()
        by_id = {v.id: v for v in session.scalars(select(ProcessVersion)
                                                  .where(ProcessVersion.id.in_([c[0] for c in counts])))}
        rows = []
        for version_id, unfinished in counts:
            version = by_id[version_id]
            if visibility.ADMIN_GROUP not in groups and not groups & set(
                    operation_rules.owners_of(services.library.get(version.content_hash))):
                continue
            targets = session.scalars(select(ProcessVersion.version).where(
                ProcessVersion.process_id == version.process_id, ProcessVersion.id != version.id,
                ProcessVersion.unusable_reason.is_(None)).order_by(ProcessVersion.version.desc())).all()
            rows.append({"process_id": version.process_id, "name": version.name, "version": version.version,
                         "unfinished": unfinished, "targets": targets})
        if not rows and visibility.ADMIN_GROUP not in groups:
            abort(403, description=gettext("Only admins and a process's owners migrate its instances."))
        rows.sort(key=lambda row: (row["process_id"], row["version"]))
        return render_template("migrations.html", rows=rows)
