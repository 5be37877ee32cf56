"""Operations › Deliveries: what the outbox gave up on, and a button to send it again (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from service.flows import deliveries
from service.flows.errors import Forbidden
from service.flows.outbox import MAX_ATTEMPTS
from service.store.models import Outbox

from .session_auth import page_login_required

bp = Blueprint("deliveries_pages", __name__)


@bp.get("/operations/deliveries")
@page_login_required
def deliveries_page():
    services = current_app.extensions["handoff"]
    channel = request.args.get("channel") or None
    try:
        rows = deliveries.list_deliveries(services, g.user.id, deliveries.DeliveryFilter(
            status="failed", channel=channel, per_page=200))
    except Forbidden:
        abort(403, description=gettext("Deliveries are looked after by admins."))
    with services.sessions() as session:
        channels = sorted(session.scalars(select(Outbox.channel).distinct().where(Outbox.status == "failed")))
    return render_template("deliveries.html", rows=rows, channels=channels, channel=channel,
                           max_attempts=MAX_ATTEMPTS)
