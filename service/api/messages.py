"""My in-app inbox: messages, the unread count, marking read."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import func, select

from service.clock import utcnow
from service.i18n import localized
from service.i18n.request import current_locale
from service.store.models import Message

from . import schemas
from .auth import login_required
from .common import actor_id, services

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="In-app inbox")


INBOX_ORDER = (Message.read_at.is_not(None), Message.created_at.desc(), Message.id.desc())  # unread, then newest


def _view(message: Message) -> dict:
    """The subject in the reader's language when the flow stored one (``subject_text``/``subjects``)."""
    view = {c.name: getattr(message, c.name) for c in Message.__table__.columns}
    view["subject"] = str(localized(message.body, "subject", current_locale()) or message.subject)[:300]
    return view


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.InboxQuery, location="query")
@blp.response(200, schemas.InboxSchema)
def inbox(query):
    """Unread first, each part newest first (by when it was sent), with how many are unread."""
    with services().sessions() as session:
        mine = select(Message).where(Message.recipient_id == actor_id())
        if query["unread_only"]:
            mine = mine.where(Message.read_at.is_(None))
        unread = session.scalar(select(func.count()).select_from(Message).where(
            Message.recipient_id == actor_id(), Message.read_at.is_(None)))
        rows = session.scalars(mine.order_by(*INBOX_ORDER).limit(query["limit"]))
        return {"unread": unread, "messages": [_view(m) for m in rows]}


@blp.route("/<int(max=9223372036854775807):message_id>/read", methods=["POST"])
@blp.response(200, schemas.MessageSchema)
@login_required
def mark_read(message_id: int):
    with services().sessions() as session:
        message = session.get(Message, message_id)
        if message is None or message.recipient_id != actor_id():
            abort(404, description=gettext("no message %(message_id)s in your inbox",
                                           message_id=message_id))
        message.read_at = message.read_at or utcnow()
        session.commit()
        return _view(message)
