"""Small helpers the resources share."""

from __future__ import annotations

from flask import abort, current_app, g, request


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
            abort(400, description="If-Match must carry the version number you read, e.g. If-Match: \"3\"")
        return int(text)
    return body_version
