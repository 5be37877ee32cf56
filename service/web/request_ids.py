"""Every request gets an id: the caller's `X-Request-ID` or a new one, echoed back and on every log line.

A proxy or client that sends its own id can follow one request through web and
worker logs; one line per request says what was asked, the answer and how long it took.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from service.logging_setup import annotate, close_scope, open_scope

HEADER = "X-Request-ID"
ACCEPTED = re.compile(r"[A-Za-z0-9._:\-]{1,128}")  # anything else is replaced, never echoed back
QUIET_PATHS = ("/metrics", "/health")  # scraped every few seconds: logged at DEBUG only

log = logging.getLogger("service.web.requests")


def request_id_from(header: str | None) -> str:
    return header if header and ACCEPTED.fullmatch(header) else uuid.uuid4().hex


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def open_request_scope() -> None:
        g.request_id = request_id_from(request.headers.get(HEADER))
        g.request_started = time.perf_counter()
        g.log_scope = open_scope(request_id=g.request_id)
        annotate(**{k: v for k, v in (request.view_args or {}).items() if k in ("instance_id", "task_id")})

    @app.after_request
    def echo_and_log(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:  # a request that failed before our hook (e.g. a routing error)
            return response
        response.headers[HEADER] = request_id
        elapsed_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
        level = logging.DEBUG if request.path.startswith(QUIET_PATHS) else logging.INFO
        log.log(level, "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": elapsed_ms})
        return response

    @app.teardown_request
    def close_request_scope(_error=None) -> None:
        token = g.pop("log_scope", None)
        if token is not None:
            close_scope(token)
