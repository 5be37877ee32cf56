"""Every API error is JSON with one shape: ``{"code", "message", "errors"}``; never a traceback.

People browsing the pages (not under ``/api``) get the same words on a plain error page instead.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.flows.errors import FlowError

from .boundary import too_large_message

log = logging.getLogger(__name__)


def error_body(code: str, message: str, errors=None, status: int = 400):
    """JSON for the API and for programs; a plain page for people browsing the pages."""
    if not request.path.startswith("/api") and request.accept_mimetypes.accept_html:
        return render_template("error.html", status=status, message=message), status
    return jsonify({"code": code, "message": message, "errors": errors or {}}), status


def register(app: Flask) -> None:
    @app.errorhandler(FlowError)
    def flow_error(error: FlowError):
        errors = error.details.get("errors") or {}
        if "problems" in error.details:
            errors = {"problems": error.details["problems"]}
        return error_body(error.code, error.message, errors, error.http_status)

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
        log.exception("unexpected error")
        return error_body("internal_error", "something went wrong on our side; it has been logged", status=500)
