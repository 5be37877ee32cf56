"""The health page: is the database reachable and migrated, is Redis up, are workers alive?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template_string, request
from sqlalchemy import func, select

from service.ops import checks
from service.store.models import Instance, ProcessVersion, Task

bp = Blueprint("health", __name__)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Handoff - health</title>
<link rel="stylesheet" href="/static/health.css"></head><body>
<h1>Handoff</h1><p>Service health{% if report.ok %} <span class="ok">- all good</span>{% endif %}</p>
<table>{% for name, check in report.checks.items() %}<tr><th>{{ name }}</th>
<td class="{{ 'ok' if check.ok else 'bad' }}">{{ 'ok' if check.ok else 'problem' }}</td><td>{{ check.detail }}</td></tr>
{% endfor %}</table>
<h2>Processes deployed</h2><ul>{% for p in report.processes %}<li>{{ p }}</li>{% else %}<li>none</li>{% endfor %}</ul>
<p>Instances running: {{ report.running }} &middot; open tasks: {{ report.open_tasks }}</p>
<p><a href="/health?format=json">JSON</a></p></body></html>"""


def _entry(check) -> dict:
    return {"ok": check.ok, "detail": check.line()}


def _database(engine):
    """Reachable and migrated, shown as one line."""
    reached = checks.database(engine)
    if not reached.ok:
        return reached
    schema = checks.migrations(engine)
    return reached if schema.ok else schema


def build_report(services) -> dict:
    """The same checks as `handoff doctor` (database with its migrations, Redis, workers), as a page."""
    database = _database(services.db_engine)
    config = services.config
    redis = checks.redis_reachable(services.redis, checks.safe_url(config.redis_url))
    workers = checks.workers(services.redis, [config.timer_queue, config.outbox_queue]) if redis.ok else \
        checks.skipped("workers", "no Redis")
    report_checks = {"database": _entry(database), "redis": _entry(redis), "workers": _entry(workers)}
    report = {"ok": all(c["ok"] for c in report_checks.values()), "checks": report_checks, "processes": [],
              "running": 0, "open_tasks": 0}
    if database.ok:
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

