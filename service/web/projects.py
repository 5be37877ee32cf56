"""A read-only overview of the projects, by stage: what `handoff demo` opens on.

The full stage board, task pages and dashboards are built on the HTTP API later;
this page only lists what the database holds so a first look shows real work.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string
from sqlalchemy import case, func, select

from service.clock import utcnow
from service.store.models import Customer, Instance, Task

bp = Blueprint("projects", __name__)

STAGES = ["Opportunity", "Contract co-signing", "Handover", "Implementation", "UAT complete",
          "Customer acceptance", "Invoicing", "Payment received"]

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Handoff - projects</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
td,th{padding:.35rem .7rem;border-bottom:1px solid #ddd;text-align:left}.late{color:#b00020;font-weight:600}
.frozen{color:#0b5cad}</style></head><body>
<h1>Handoff</h1><p><a href="/health">Service health</a></p>
<h2>Projects by stage</h2>
<table><tr><th>#</th><th>Customer</th><th>Stage</th><th>In stage</th><th>Status</th><th>Open tasks</th>
<th>Overdue</th></tr>
{% for p in projects %}<tr><td>{{ p.id }}</td><td>{{ p.customer }}</td><td>{{ p.stage }}</td>
<td>{{ p.in_stage }}</td><td class="{{ 'frozen' if p.frozen else '' }}">{{ p.status }}</td>
<td>{{ p.open }}</td><td class="{{ 'late' if p.overdue else '' }}">{{ p.overdue }}</td></tr>
{% else %}<tr><td colspan="7">No projects yet.</td></tr>{% endfor %}</table></body></html>"""


def _age(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"


@bp.get("/")
def index():
    services, now = current_app.extensions["handoff"], utcnow()
    with services.sessions() as session:
        open_count = (select(Task.instance_id, func.count().label("open"),
                             func.sum(case((Task.due_at < now, 1), else_=0)).label("overdue"))
                      .where(Task.status == "open").group_by(Task.instance_id).subquery())
        rows = session.execute(
            select(Instance, Customer.name, open_count.c.open, open_count.c.overdue)
            .outerjoin(Customer, Customer.id == Instance.customer_id)
            .outerjoin(open_count, open_count.c.instance_id == Instance.id)
            .where(Instance.process_id == "project_lifecycle")).all()
    projects = sorted(({
        "id": i.id, "customer": name or i.data.get("customer", "-"), "stage": i.stage or "-",
        "in_stage": _age(now - i.stage_entered_at) if i.stage_entered_at else "-",
        "status": "frozen" if i.frozen else (i.project_status or i.status), "frozen": i.frozen,
        "open": open_ or 0, "overdue": overdue or 0,
    } for i, name, open_, overdue in rows), key=lambda p: (STAGES.index(p["stage"]) if p["stage"] in STAGES else 9,
                                                           p["id"]))
    return render_template_string(PAGE, projects=projects)
