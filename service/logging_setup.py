"""Logs: JSON lines for machines, plain lines for people, both carrying the request, job and instance ids.

A *scope* (one HTTP request, one RQ job) holds the ids with `contextvars`, so any
module's log line says which request or job it belongs to without passing ids
around. Flows `annotate` the scope with the instance they act on; outside a scope
(the CLI, tests) annotating does nothing, so no id outlives its request.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from pythonjsonlogger.json import JsonFormatter

_scope: ContextVar[dict | None] = ContextVar("handoff_log_scope", default=None)
_HANDLER_NAME = "handoff"
# Kept at WARNING: alembic logs a line per plugin on every migration check; SpiffWorkflow logs every task
# state change with the task's whole data (personal data, kilobytes) - the audit log records what matters.
# httpx and httpcore log every request URL at INFO: a chat robot's URL is its secret (WeCom key=, DingTalk
# access_token=, Slack and Teams hook paths), so they speak only of warnings.
QUIET_LOGGERS = ("alembic.runtime.plugins", "spiff", "httpx", "httpcore")


def open_scope(**fields) -> Token:
    """Starts a scope (pair with `close_scope`); for hooks that cannot use a `with` block."""
    return _scope.set({k: v for k, v in fields.items() if v is not None})


def close_scope(token: Token) -> None:
    _scope.reset(token)


@contextmanager
def scope(**fields) -> Iterator[dict]:
    """`with scope(job_id=...):` every log line inside carries the fields (nested scopes inherit)."""
    token = open_scope(**{**(_scope.get() or {}), **fields})
    try:
        yield _scope.get()
    finally:
        close_scope(token)


def annotate(**fields) -> None:
    """Adds fields (e.g. ``instance_id``) to the current scope, if there is one."""
    current = _scope.get()
    if current is not None:
        current.update({k: v for k, v in fields.items() if v is not None})


def current_fields() -> dict:
    return dict(_scope.get() or {})


class ScopeFilter(logging.Filter):
    """Copies the scope's fields onto each record (a field the record already has wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_scope.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class TextFormatter(logging.Formatter):
    """One readable line; the scope's ids follow in brackets."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = current_fields()
        if not fields:
            return line
        head, sep, rest = line.partition("\n")  # keep a traceback below the line it belongs to
        return f"{head} [{' '.join(f'{k}={v}' for k, v in fields.items())}]{sep}{rest}"


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners and CLI runners swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class NoServerRequestLines(logging.Filter):
    """Drops werkzeug's own line per request: ``service.web.requests`` logs each request once, with its ids.

    The development server (``handoff demo``/``serve``) logs ``"GET / HTTP/1.1" 200 -`` itself, with
    colour escapes; a second, unparsed copy of every request is noise in JSON lines and text alike.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.endswith(WERKZEUG_REQUEST_LINE))


WERKZEUG_REQUEST_LINE = '] "%s" %s %s'  # how werkzeug.serving.WSGIRequestHandler.log_request's line ends


def _plain_werkzeug() -> None:
    """werkzeug's other lines (start-up, errors) keep their words but lose the colour escapes."""
    from werkzeug import serving

    serving._log_add_style = False
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, NoServerRequestLines) for f in werkzeug.filters):
        werkzeug.addFilter(NoServerRequestLines())


def json_formatter() -> logging.Formatter:
    return JsonFormatter("%(levelname)s %(name)s %(process)d %(message)s", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger", "process": "pid"})


def configure(level: str = "INFO", fmt: str | None = None, stream=None) -> logging.Handler:
    """Sends every logger's records to `stream` (default: stderr) as JSON lines or text; safe to call again.

    `fmt` is ``json`` or ``text``; by default ``HANDOFF_LOG_FORMAT``, else text on a terminal
    and JSON lines otherwise (containers, log shippers, tests).
    """
    fmt = fmt or os.environ.get("HANDOFF_LOG_FORMAT") or ("text" if _is_terminal(stream or sys.stderr) else "json")
    if fmt.lower() not in ("json", "text"):
        raise ValueError(f"HANDOFF_LOG_FORMAT must be json or text, not {fmt!r}")
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(ScopeFilter())
    handler.setFormatter(json_formatter() if fmt.lower() == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _plain_werkzeug()
    return handler


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
