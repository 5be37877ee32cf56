"""What no handler can take is refused before any handler reads it: oversize bodies and control characters.

One hook for every route (the API and the pages' own forms), so no route can forget:

- **Size.** A body larger than its limit is a 413 *before* it is read: a multipart upload (documents, deploy)
  may carry `HANDOFF_MAX_UPLOAD_MB`, any other body (JSON, a login form) `HANDOFF_MAX_BODY_KB`. The declared
  ``Content-Length`` is checked first; a chunked body without one is read up to the limit and refused past it.
- **Control characters.** NUL and the other C0 controls (tab, newline and carriage return excepted) and lone
  UTF-16 surrogates are refused with 422 wherever they appear: a JSON value or key at any depth, the query
  string, form fields, uploaded file names, the URL's own parameters. PostgreSQL cannot store NUL in text, a
  lone surrogate cannot be encoded, and no person types either; refusing them here means a 4xx, never a 500.
  So are ``NaN`` and ``Infinity``, which Python's JSON parser takes but no JSON column can store, and
  JSON nested deeper than `MAX_DEPTH` levels, which the engine would recurse through at every step.
"""

from __future__ import annotations

import math
import re

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnprocessableEntity

from service.i18n import Text

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MESSAGE = "holds a control character (such as NUL) or a lone surrogate, which are not accepted"
MAX_DEPTH = 32  # no form nests this deep; the engine's serializer and deep copies recurse on every level
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"
NOT_FINITE = "NaN and Infinity are not JSON numbers"
ENVELOPE = 64 * 1024  # multipart boundaries and part headers around an upload of the largest size


def init_boundary(app: Flask, max_upload_bytes: int, max_body_bytes: int) -> None:
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes + ENVELOPE  # Werkzeug's own ceiling for every request
    app.config["HANDOFF_MAX_BODY"] = max_body_bytes

    @app.before_request
    def refuse_what_no_handler_can_take() -> None:
        limit_body()
        errors = control_characters()
        if errors:
            fields = ", ".join(sorted(errors)[:3]) + (f" and {len(errors) - 3} more" if len(errors) > 3 else "")
            error = UnprocessableEntity(f"{fields}: {'; '.join(sorted({m for ms in errors.values() for m in ms}))}")
            error.data = {"messages": {"request": errors}}  # read by errors.py like webargs' own 422s
            raise error


def limit_body() -> None:
    """Sets this request's limit by its kind of body, and refuses a declared length over it unread."""
    if request.mimetype != "multipart/form-data":
        request.max_content_length = current_app.config["HANDOFF_MAX_BODY"]  # Flask 3.1: per request
    limit = request.max_content_length
    if limit is None:
        return
    if request.content_length is not None:
        if request.content_length > limit:
            raise RequestEntityTooLarge(too_large_message(request.content_length, limit))
    elif request.environ.get("wsgi.input_terminated"):  # chunked: no length to check before reading
        request.get_data(cache=True)  # Werkzeug stops at the limit, silently: the rest would be lost
        request.stream.read(1)  # at the limit this raises 413; a body that ended before it reads nothing


def too_large_message(length: int | None, limit: int) -> Text:
    upload = request.mimetype == "multipart/form-data"
    if upload:
        limit = max(limit - ENVELOPE, 0)
    if length:
        return (Text("this upload is %(size)s; at most %(limit)s is accepted", size=_size(length), limit=_size(limit))
                if upload else Text("this request body is %(size)s; at most %(limit)s is accepted",
                                    size=_size(length), limit=_size(limit)))
    return (Text("this upload is too large; at most %(limit)s is accepted", limit=_size(limit)) if upload
            else Text("this request body is too large; at most %(limit)s is accepted", limit=_size(limit)))


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def control_characters() -> dict[str, list[str]]:
    """Field path → message, for every place of the request that holds a forbidden character."""
    errors: dict[str, list[str]] = {}
    for name, value in (request.view_args or {}).items():
        _check_text(errors, name, value)
    with_body = request.method in ("POST", "PUT", "PATCH")
    for source in (request.args, request.form) if with_body else (request.args,):
        for name, values in source.lists():
            _check_text(errors, name, name, what="this field name")
            for value in values:
                _check_text(errors, name, value)
    if with_body:
        for name, upload in request.files.items(multi=True):
            _check_text(errors, name, name, what="this field name")
            _check_text(errors, name, upload.filename or "", what="the file name")
        if request.is_json:
            _walk_json(errors, _json_body())
    return errors


def _json_body():
    """The parsed body (cached for the handler), or None when it is not JSON at all (the handler says so)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadRequest(Text("the JSON body is nested too deeply")) from None


def _walk_json(errors: dict[str, list[str]], document) -> None:
    """Every key and string at any depth; iterative, so a deeply nested body cannot exhaust the stack."""
    stack = [("", document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            errors.setdefault(path or "body", []).append(TOO_DEEP)
            continue
        if isinstance(value, str):
            _check_text(errors, path, value)
        elif isinstance(value, float) and not math.isfinite(value):
            errors.setdefault(path or "body", []).append(NOT_FINITE)
        elif isinstance(value, dict):
            for key, item in value.items():
                child = _join(path, key)
                _check_text(errors, child, key, what="this key")
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((_join(path, str(index)), item, depth + 1) for index, item in enumerate(value))


def _join(path: str, key: str) -> str:
    return f"{path}.{_escaped(key)}" if path else _escaped(key)


def _escaped(text: str) -> str:
    """A field name as it can be shown and stored: forbidden characters written as ``\x00``, ``\ud800``."""
    return FORBIDDEN.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def _check_text(errors: dict[str, list[str]], path: str, value, what: str = "this value") -> None:
    if isinstance(value, str) and FORBIDDEN.search(value):
        errors.setdefault(_escaped(path) or "body", []).append(f"{what} {MESSAGE}")
