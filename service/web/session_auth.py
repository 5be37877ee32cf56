"""Logging in to the pages: a signed session cookie holding the same bearer token the API accepts.

Why the API token: the pages' JavaScript calls the HTTP API with it, so every change a
person makes in a browser passes the API's own authorization, validation and version
checks; logging out or a new password ends page sessions exactly as it ends API tokens: the
token's epoch (see `service.flows.logins`) moves on, so a cookie copied before logout opens nothing after it.
"""

from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from service import i18n
from service.api.auth import authenticate, issue_token, user_from_token
from service.flows import preferences
from service.flows.logins import AccountLocked, end_sessions
from service.i18n import render
from service.web.i18n import current_locale

bp = Blueprint("session_auth", __name__)


def page_login_required(view):
    """Sets `g.user` (and `g.token`) from the session; sends people who are not logged in to the login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = session.get("token")
        user = user_from_token(token) if token else None
        if user is None:
            session.clear()
            return redirect(url_for("session_auth.login", next=request.full_path.rstrip("?")))
        g.user, g.token = user, token
        return view(*args, **kwargs)

    return wrapped


def csrf_token() -> str:
    """One per session, checked on the pages' own form posts (the API needs none: it takes bearer tokens)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, description=gettext("the form expired: reload the page and try again"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a login link must not send people elsewhere.

    The target is rebuilt from its path and query, and refused if a browser could read it as
    another host (``//host``, ``/\\host``) or it carries control characters.
    """
    parts = urlsplit(target or "")
    unsafe = (not target or parts.scheme or parts.netloc or not parts.path.startswith("/")
              or parts.path.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target))
    if unsafe:
        return url_for("tasks_pages.my_tasks")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        check_csrf()
        services = current_app.extensions["handoff"]
        try:
            with services.sessions() as db:
                user = authenticate(db, request.form.get("username", "").strip(), request.form.get("password", ""))
                token = issue_token(user) if user else None
        except AccountLocked as locked:
            return render_template("login.html", error=render(locked.text, current_locale()),
                                   next=request.values.get("next", "")), 403
        if token:
            chosen = session.get("lang")
            with services.sessions() as db:
                preferences.adopt_browser_locale(db, user.id, chosen or i18n.negotiate(
                    request.headers.get("Accept-Language"), services.config.default_locale))
            session.clear()
            session["token"] = token
            session["tz"] = request.form.get("tz", "")[:64]  # the browser's own zone: times read as on its clock
            return redirect(_safe_next(request.form.get("next")))
        error = gettext("Wrong user name or password.")
    status = 401 if error else 200  # a 401 counts against the login limits (service.web.throttle)
    return render_template("login.html", error=error, next=request.values.get("next", "")), status


@bp.post("/logout")
def logout():
    """Ends this person's sessions and tokens everywhere, not only this cookie (a copy of it may exist)."""
    check_csrf()
    token = session.get("token")
    user = user_from_token(token) if token else None
    if user is not None:
        with current_app.extensions["handoff"].sessions() as db:
            end_sessions(db, user.id)
            db.commit()
    session.clear()
    return redirect(url_for("session_auth.login"))
