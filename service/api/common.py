"""Small helpers the resources share."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from flask_babel import gettext


def services():
    return current_app.extensions["handoff"]


def actor_id() -> int:
    return g.user.id


def expected_version(body_version: int | None) -> int | None:
    """The version the caller saw: ``If-Match: "3"`` or a body ``version``; a stale one is a 409."""
    header = request.headers.get("If-Match")
    if header:
        text = header.strip().removeprefix("W/").strip('"')
        if not text.isdigit() or len(text) > 9:
            abort(400, description=gettext('If-Match must carry the version number you read, e.g. If-Match: "3"'))
        return int(text)
    return body_version


def visible_instance(session, instance_id: int):
    """The instance, if the caller may see it; otherwise 404 (not 403: its existence is not theirs to know)."""
    from service.flows import visibility
    from service.store.models import Instance

    instance = session.get(Instance, instance_id)
    if instance is None or not visibility.can_see_instance(session, actor_id(), instance):
        abort(404, description=gettext("no instance %(instance_id)s that you can see",
                                       instance_id=instance_id))
    return instance


def authorized_first(check):
    """Runs ``check(actor_id, **url_parameters)`` before the body is parsed (place it above `blp.arguments`).

    Someone who may not act at all hears 403 (or 404), never a 422 about the fields they sent or left out.
    The use case checks again in its own transaction; this only puts the answers in the right order.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            check(actor_id(), **kwargs)
            return view(*args, **kwargs)

        return wrapped

    return decorate
