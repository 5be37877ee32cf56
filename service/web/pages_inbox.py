"""The in-app inbox, unread first and newest first: messages with their details; a customer change (R8) as a
before/after diff."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template
from sqlalchemy import select

from service.api.messages import INBOX_ORDER
from service.store.models import Message

from .session_auth import page_login_required
from .task_context import message_facts

bp = Blueprint("inbox_pages", __name__)


def _content(message: Message) -> dict:
    content = (message.body or {}).get("body")
    return content if isinstance(content, dict) else {}


def changes_of(message: Message) -> list[dict]:
    """Rows of label, before, after for a message that carries ``changes`` (R8 customer changes)."""
    changes = _content(message).get("changes")
    return [c for c in changes if isinstance(c, dict) and "before" in c] if isinstance(changes, list) else []


def details_of(message: Message) -> dict:
    """The rest of what the message says, for one line under its subject."""
    return {key: value for key, value in _content(message).items()
            if key != "changes" and isinstance(value, str | int | float)}


@bp.get("/inbox")
@page_login_required
def inbox():
    with current_app.extensions["handoff"].sessions() as session:
        messages = session.scalars(select(Message).where(Message.recipient_id == g.user.id)
                                   .order_by(*INBOX_ORDER).limit(200)).all()
        library = current_app.extensions["handoff"].library
        rows = [{"message": m, "changes": changes_of(m), "details": details_of(m),
                 "facts": message_facts(session, library, m, g.user.id)} for m in messages]
        return render_template("inbox.html", rows=rows)
