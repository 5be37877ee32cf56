"""Collaboration quality and process health (R10), counted from the operation log only.

Each figure comes with the instance ids behind it, so anyone can open what a number counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import AuditEvent, Instance, User

RESPONSE_BASELINE = timedelta(hours=48)
FRESHNESS = timedelta(days=30)


def _events(session: Session, kinds: tuple[str, ...], since: datetime) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.kind.in_(kinds), AuditEvent.at >= since)
                                .order_by(AuditEvent.id)))


def _rate(part: list, whole: list) -> dict:
    return {"rate": round(len(part) / len(whole), 3) if whole else None, "count": len(part), "of": len(whole),
            "instances": sorted({e.instance_id for e in part if e.instance_id})}


def collaboration_quality(session: Session, since: datetime, now: datetime) -> dict:
    """Handover completeness at first submission, handover delay rate, customer-information timeliness."""
    events = _events(session, ("handover_started", "handover_submitted", "handover_delayed", "customer_changed"),
                     since)
    submitted = [e for e in events if e.kind == "handover_submitted"]
    started = [e for e in events if e.kind == "handover_started"]
    delayed = [e for e in events if e.kind == "handover_delayed"]
    changes = [e for e in events if e.kind == "customer_changed"]
    recent = [e for e in changes if e.at >= now - FRESHNESS]
    return {
        "handover_completeness": _rate([e for e in submitted if e.data.get("complete")], submitted),
        "handover_delay": _rate(delayed, started),
        "customer_updates_last_30_days": {"count": len(recent),
                                          "customers": sorted({e.data.get("customer_id") for e in recent})},
    }


def process_health(session: Session, since: datetime, now: datetime) -> list[dict]:
    """Per rep: share of their stage work done, response time against 48 h, freshness of their projects."""
    events = _events(session, ("task_opened", "task_completed", "task_cancelled"), since)
    opened = {e.task_id: e for e in events if e.kind == "task_opened"}
    owner = dict(session.execute(select(Instance.id, Instance.started_by)).all())
    per_rep: dict[int, dict] = defaultdict(lambda: {"opened": [], "done": [], "response_h": [], "last": None})
    for event in events:
        rep = owner.get(event.instance_id)
        if rep is None:
            continue
        row = per_rep[rep]
        row["last"] = max(filter(None, [row["last"], event.at]))
        if event.kind == "task_opened":
            row["opened"].append(event)
        elif event.kind == "task_completed":
            row["done"].append(event)
            if event.task_id in opened:
                row["response_h"].append((event.at - opened[event.task_id].at).total_seconds() / 3600)
    names = dict(session.execute(select(User.id, User.username)).all())
    return [_health_row(names.get(rep, str(rep)), row, now) for rep, row in sorted(per_rep.items())]


def _health_row(username: str, row: dict, now: datetime) -> dict:
    hours = row["response_h"]
    within = [h for h in hours if h <= RESPONSE_BASELINE.total_seconds() / 3600]
    return {
        "rep": username,
        "stage_completion": _rate(row["done"], row["opened"]),
        "response_median_h": round(median(hours), 1) if hours else None,
        "responses_within_48h": round(len(within) / len(hours), 3) if hours else None,
        "fresh": bool(row["last"] and now - row["last"] <= FRESHNESS),
        "last_update": row["last"],
    }
