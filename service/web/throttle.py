"""Login throttling with Flask-Limiter: failed logins counted per username and per client address.

- Both ways in share the counts: the page login (``POST /login``) and ``POST /api/v1/auth/token``.
- Only failures count (answers 401), so people who log in often are never slowed; once a limit is
  reached, every attempt is refused with 429 and ``Retry-After`` before any password is checked,
  the right password too, until the moving window lets an old failure go.
- The counters live in the service's Redis (moving windows, shared by every process). When Redis
  does not answer, each process counts in its own memory instead (logged by Flask-Limiter) and goes
  back to Redis when it answers again: logins never fail because Redis is down.
- Limits come from `Config.login_limit_per_user` / `_per_address` (``HANDOFF_LOGIN_LIMIT_*``).
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from redis.backoff import NoBackoff
from redis.retry import Retry

from service.api.errors import error_body
from service.config import EMBEDDED, Config
from service.i18n import N_, tr
from service.redis_conn import start_embedded
from service.web.i18n import current_locale

LOGIN_VIEWS = ("session_auth.login", "auth.token")  # endpoints, registered before `init_throttle` runs
REDIS_TIMEOUT_S = 0.5  # a Redis that hangs must not hold a login for long


def storage_uri(config: Config) -> str:
    """The service's Redis as a `limits` storage URI: it spells unix sockets ``redis+unix://``."""
    url = config.redis_url
    if url == EMBEDDED:
        return "redis+unix://" + start_embedded(config.data_dir)
    if url.startswith("unix://"):
        return "redis+" + url
    return url


def init_throttle(app: Flask, config: Config) -> Limiter:
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=storage_uri(config), strategy="moving-window",
        storage_options={"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S,
                         "retry": Retry(NoBackoff(), 0)},  # no retries: the in-memory counts take over at once
        key_prefix=f"{config.queue_prefix}:logins", in_memory_fallback_enabled=True, swallow_errors=True,
        headers_enabled=False)
    per_user = limiter.shared_limit(config.login_limit_per_user, scope="login-username", key_func=_username,
                                    methods=["POST"], deduct_when=_failed,
                                    error_message=N_("too many failed logins for this user name"))
    per_address = limiter.shared_limit(config.login_limit_per_address, scope="login-address", methods=["POST"],
                                       deduct_when=_failed,
                                       error_message=N_("too many failed logins from your address"))
    for endpoint in LOGIN_VIEWS:
        app.view_functions[endpoint] = per_address(per_user(app.view_functions[endpoint]))
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.extensions["handoff_limiter"] = limiter
    return limiter


def _username() -> str:
    """The name being tried (form or JSON); empty skips this limit (such a request is refused anyway)."""
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return name.strip()[:200] if isinstance(name, str) else ""


def _failed(response) -> bool:
    return response.status_code == 401


def _too_many(error: RateLimitExceeded):
    wait = _retry_after()
    message = tr(current_locale(), "%(why)s: try again in %(seconds)s seconds",
                 why=tr(current_locale(), str(error.description)), seconds=wait)
    if request.endpoint == "session_auth.login":
        response = current_app.make_response(
            (render_template("login.html", error=message, next=request.values.get("next", "")), 429))
    else:
        response = current_app.make_response(error_body("too_many_requests", message, {}, 429))
    response.headers["Retry-After"] = str(wait)
    return response


def _retry_after() -> int:
    """Seconds until the breached window lets one more attempt in (at least 1)."""
    limit = current_app.extensions["handoff_limiter"].current_limit
    try:
        reset_at = limit.window.reset_time if limit is not None else time.time() + 60
    except Exception:  # the storage went away between the check and this answer
        reset_at = time.time() + 60
    return max(1, math.ceil(round(reset_at - time.time(), 2)))  # Redis keeps the window's times to 1e-4 s
