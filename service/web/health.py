"""The health page: is the database reachable and migrated, is Redis up, are workers alive?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template_string, request
from rq import Worker
from sqlalchemy import func, select, text

from service.store.migrate import pending_migrations
from service.store.models import Instance, ProcessVersion, Task

bp = Blueprint("health", __name__)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Handoff - health</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:48rem}td,th{padding:.3rem .8rem;text-align:left}
.ok{color:#0a7a2f}.bad{color:#b00020;font-weight:600}</style></head><body>
<h1>Handoff</h1><p>Service health{% if report.ok %} <span class="ok">- all good</span>{% endif %}</p>
<table>{% for name, check in report.checks.items() %}<tr><th>{{ name }}</th>
<td class="{{ 'ok' if check.ok else 'bad' }}">{{ 'ok' if check.ok else 'problem' }}</td><td>{{ check.detail }}</td></tr>
{% endfor %}</table>
<h2>Processes deployed</h2><ul>{% for p in report.processes %}<li>{{ p }}</li>{% else %}<li>none</li>{% endfor %}</ul>
<p>Instances running: {{ report.running }} &middot; open tasks: {{ report.open_tasks }}</p>
<p><a href="/health?format=json">JSON</a></p></body></html>"""


def _check(fn):
    try:
        detail = fn()
        return {"ok": True, "detail": detail}
    except Exception as error:  # noqa: BLE001 - a health page reports, it does not fail
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"}


def build_report(services) -> dict:
    def database():
        with services.sessions() as session:
            session.execute(text("SELECT 1"))
        pending = pending_migrations(services.db_engine)
        if pending:
            raise RuntimeError(f"pending migrations: {', '.join(pending)} (run `handoff db upgrade`)")
        return services.db_engine.url.render_as_string(hide_password=True)

    def redis():
        services.redis.ping()
        return "reachable"

    def workers():
        count = len(Worker.all(connection=services.redis))
        if count == 0:
            raise RuntimeError("no RQ worker is running: timers will not fire (run `handoff worker`)")
        return f"{count} running"

    checks = {"database": _check(database), "redis": _check(redis), "workers": _check(workers)}
    report = {"ok": all(c["ok"] for c in checks.values()), "checks": checks, "processes": [],
              "running": 0, "open_tasks": 0}
    if checks["database"]["ok"]:
        with services.sessions() as session:
            rows = session.execute(select(ProcessVersion.process_id, func.max(ProcessVersion.version))
                                   .group_by(ProcessVersion.process_id).order_by(ProcessVersion.process_id))
            report["processes"] = [f"{pid} v{version}" for pid, version in rows]
            report["running"] = session.scalar(select(func.count()).where(Instance.status == "running"))
            report["open_tasks"] = session.scalar(select(func.count()).where(Task.status == "open"))
    return report


@bp.get("/health")
def health():
    report = build_report(current_app.extensions["handoff"])
    status = 200 if report["ok"] else 503
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(report), status
    return render_template_string(PAGE, report=report), status

