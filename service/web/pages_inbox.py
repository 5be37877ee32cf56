"""The in-app inbox: messages with their details; a customer change (R8) shown as a before/after diff."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template
from sqlalchemy import select

from service.store.models import Message

from .session_auth import page_login_required

bp = Blueprint("inbox_pages", __name__)


def changes_of(body: dict) -> list[dict]:
    """Rows of field, before, after for a message that carries ``before`` and ``after`` records."""
    before, after = body.get("before"), body.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return [{"field": key, "before": before.get(key), "after": after.get(key)}
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


@bp.get("/inbox")
@page_login_required
def inbox():
    with current_app.extensions["handoff"].sessions() as session:
        messages = session.scalars(select(Message).where(Message.recipient_id == g.user.id)
                                   .order_by(Message.id.desc()).limit(200)).all()
        rows = [{"message": m, "changes": changes_of(m.body or {}),
                 "details": {k: v for k, v in (m.body or {}).items() if k not in ("before", "after", "subject")}}
                for m in messages]
        return render_template("inbox.html", rows=rows)
