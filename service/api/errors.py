"""Every API error is JSON with one shape: ``{"code", "message", "errors"}``; never a traceback.

People browsing the pages (not under ``/api``) get the same words on a plain error page instead.
Every ``message`` and field message is in the request's language (`current_locale`): a flow's `Text`
rendered, marshmallow's sentences through `validation_words`' table.
A database that is down or busy is not a bug: 503 ``service_unavailable`` with ``Retry-After``.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.flows.errors import FlowError
from service.i18n import Text, render
from service.i18n.request import current_locale
from service.store.outage import RETRY_AFTER_S, database_unavailable

from .boundary import too_large_message
from .validation_words import translate_all

log = logging.getLogger(__name__)


def error_body(code: str, message: str | Text, errors=None, status: int = 400):
    """JSON for the API and for programs; a plain page for people browsing the pages."""
    message = render(message, current_locale())
    if not request.path.startswith("/api") and request.accept_mimetypes.accept_html:
        return render_template("error.html", status=status, message=message), status
    return jsonify({"code": code, "message": message, "errors": errors or {}}), status


def register(app: Flask) -> None:
    @app.errorhandler(FlowError)
    def flow_error(error: FlowError):
        locale = current_locale()
        errors = error.error_texts or error.details.get("errors") or {}
        errors = translate_all(errors, lambda text: render(text, locale))
        if "problems" in error.details:  # FILE:LINE: element-id: message, the message in the reader's language
            problems = getattr(error, "problems", None)
            errors = {"problems": [p.render(locale) if hasattr(p, "render") else str(p) for p in problems]
                      if problems is not None else error.details["problems"]}
        return error_body(error.code, render(error.text, locale), errors, error.http_status)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        errors = {}
        data = getattr(error, "data", None) or {}
        if "messages" in data:  # webargs/marshmallow: {"json": {"field": ["message"]}} or {"json": ["message"]}
            for location, messages in data["messages"].items():
                if isinstance(messages, dict):
                    errors.update(messages)
                else:
                    errors[location] = messages
            locale = current_locale()
            errors = translate_all(errors, lambda text: render(text, locale))
        code = (error.name or "error").lower().replace(" ", "_")
        description = error.description or error.name
        if error.code == 422:
            code = "invalid_request"
        if error.code == 413:  # also raised by Werkzeug itself, mid-read, for a chunked body without a length
            code = "too_large"
            if description == RequestEntityTooLarge.description:
                description = too_large_message(request.content_length, request.max_content_length or 0)
        return error_body(code, description, errors, error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if database_unavailable(error):
            return unavailable(error)
        log.exception("unexpected error")
        return error_body("internal_error", Text("something went wrong on our side; it has been logged"), status=500)


def unavailable(error: Exception):
    """503: nothing was changed by this request (or, for a completion, its Idempotency-Key replay tells)."""
    log.warning("database unavailable: %s", _first_line(error))
    g.pop("user", None)  # the page header would ask the database for the viewer's groups and inbox again
    response = make_response(error_body(
        "service_unavailable", Text("the database is not answering right now; please try again in %(seconds)s s",
                                    seconds=RETRY_AFTER_S), status=503))
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"
