"""The health page: is the database reachable and migrated, is Redis up, are workers alive?

Anyone may ask what is down (a load balancer, a person whose page failed); only operators
learn where things are. Anonymous callers get each check's verdict in plain words and no
connection details (no database host, user or name, no Redis address, no driver error, no
process list or volumes). The full report, as `handoff doctor` gives it, needs
``Authorization: Bearer <HANDOFF_METRICS_TOKEN>`` or the API token (or page session) of a
member of ``admins``.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, render_template, request, session
from flask_babel import gettext
from sqlalchemy import func, select

from service.api.auth import user_from_token
from service.flows.visibility import ADMIN_GROUP
from service.ops import checks
from service.store.models import Instance, ProcessVersion, Task

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

def N_(msgid: str) -> str:
    """Marks a word for the catalogs; the JSON report keeps the English, the page shows it translated."""
    return msgid


MORE = N_("details (where each part is, processes, volumes): Authorization: Bearer <HANDOFF_METRICS_TOKEN>, "
         "or an admin")
PUBLIC_WORDS = {  # check name -> (when ok, when not): what anyone may read
    "database": (N_("reachable"), N_("not reachable: the service cannot read or save anything")),
    "migrations": (N_("the schema is up to date"), N_("the schema is not up to date")),
    "redis": (N_("reachable"), N_("not reachable: timers wait and messages queue up until it is back")),
}
CHECK_NAMES = {"database": N_("database"), "migrations": N_("migrations"), "redis": N_("Redis"),
               "workers": N_("workers")}


def page_words(report: dict) -> dict:
    """The page's words for the report: check names, and the public verdicts in the reader's language."""
    details = {}
    if not report["detailed"]:
        details = {name: gettext(check["detail"]) for name, check in report["checks"].items()
                   if check["detail"] in {w for pair in PUBLIC_WORDS.values() for w in pair}}
    return {"names": {name: gettext(word) for name, word in CHECK_NAMES.items()}, "details": details,
            "more": gettext(report["more"]) if report.get("more") == MORE else report.get("more")}


def _entry(check, detailed: bool) -> dict:
    if detailed or check.name not in PUBLIC_WORDS:  # the workers' count and queues tell no address
        return {"ok": check.ok, "detail": check.line()}
    return {"ok": check.ok, "detail": PUBLIC_WORDS[check.name][0 if check.ok else 1]}


def _database(engine):
    """Reachable and migrated, shown as one line."""
    reached = checks.database(engine)
    if not reached.ok:
        return reached
    schema = checks.migrations(engine)
    return reached if schema.ok else schema


def build_report(services, detailed: bool = True) -> dict:
    """The same checks as `handoff doctor` (database with its migrations, Redis, workers), as a page."""
    database = _database(services.db_engine)
    config = services.config
    redis = checks.redis_reachable(services.redis, checks.safe_url(config.redis_url))
    workers = checks.workers(services.redis, [config.timer_queue, config.outbox_queue]) if redis.ok else \
        checks.skipped("workers", "no Redis")
    report_checks = {"database": _entry(database, detailed), "redis": _entry(redis, detailed),
                     "workers": _entry(workers, detailed)}
    report = {"ok": all(c["ok"] for c in report_checks.values()), "checks": report_checks, "detailed": detailed}
    if not detailed:
        report["more"] = MORE
        return report
    report.update(processes=[], running=0, open_tasks=0)
    if database.ok:
        with services.sessions() as db:
            rows = db.execute(select(ProcessVersion.process_id, func.max(ProcessVersion.version))
                              .group_by(ProcessVersion.process_id).order_by(ProcessVersion.process_id))
            report["processes"] = [f"{pid} v{version}" for pid, version in rows]
            report["running"] = db.scalar(select(func.count()).where(Instance.status == "running"))
            report["open_tasks"] = db.scalar(select(func.count()).where(Task.status == "open"))
    return report


def may_see_details(services) -> bool:
    """The metrics token, or an admin's API token (header or page session); never fails the health check."""
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    expected = services.config.metrics_token
    if expected and sent and hmac.compare_digest(sent, expected):
        return True
    token = sent or session.get("token")
    if not token:
        return False
    try:
        user = user_from_token(token)
        if user is None:
            return False
        with services.sessions() as db:
            return ADMIN_GROUP in services.people.groups_of(db, user.id)
    except Exception:  # noqa: BLE001 - the database may be the very thing that is down: then no details
        log.debug("health: could not check the caller's token", exc_info=True)
        return False


@bp.get("/health")
def health():
    services = current_app.extensions["handoff"]
    report = build_report(services, detailed=may_see_details(services))
    status = 200 if report["ok"] else 503
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(report), status
    return render_template("health.html", report=report, words=page_words(report)), status
