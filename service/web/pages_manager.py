"""The manager dashboard (R10): my tree's overdue work and escalations, the stage board, money waiting, quality."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, g, render_template
from flask_babel import gettext
from sqlalchemy import select

from service.clock import utcnow
from service.flows import dashboards, discipline, metrics
from service.store.models import Instance, User

from .session_auth import page_login_required

bp = Blueprint("manager_pages", __name__)


@bp.get("/dashboard")
@page_login_required
def dashboard():
    services, now = current_app.extensions["handoff"], utcnow()
    with services.sessions() as session:
        if not dashboards.may_see_overview(session, g.user.id):
            abort(403, description=gettext("The dashboard is for managers, finance and executives. Your work is in My "
                                           "tasks."))
        tree = dashboards.manager_view(session, g.user.id, now, now - timedelta(days=30))
        names = dict(session.execute(select(User.id, User.display_name)).all())
        people = dict(session.execute(select(User.username, User.display_name)).all())
        instances = {i.id: i for i in session.scalars(select(Instance).where(Instance.id.in_(
            {t.instance_id for t in tree["overdue_tasks"]} | {e.instance_id for e in tree["escalations"]})))}
        return render_template(
            "dashboard.html", overdue=tree["overdue_tasks"], escalations=tree["escalations"], names=names,
            instances=instances, board=dashboards.stage_board(session, now),
            not_invoiced=dashboards.accepted_not_invoiced(session, now),
            quality=metrics.collaboration_quality(session, now - timedelta(days=90), now),
            health=[{**row, "rep": people.get(row["rep"], row["rep"])}  # the chart and table name people
                    for row in metrics.process_health(session, now - timedelta(days=90), now)],
            people=people, now=now,
            held_back=discipline.held_back(session, g.user.id, now))
