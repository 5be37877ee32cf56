"""Pages for people: server-rendered Jinja, with a little JavaScript that calls the HTTP API."""

from __future__ import annotations

from flask import Flask, g, request, send_from_directory
from sqlalchemy import func, select

from service.flows import documents, incidents
from service.flows.dashboards import may_see_overview
from service.flows.visibility import groups_of
from service.store.models import Message

from . import (
    pages_admin_people,
    pages_admin_records,
    pages_deliveries,
    pages_designer,
    pages_inbox,
    pages_instances,
    pages_manager,
    pages_migrations,
    pages_operations,
    pages_tasks,
    session_auth,
)
from .formatting import register_filters
from .i18n import init_i18n
from .page_words import register_page_words
from .process_i18n import register as register_process_words
from .transport import init_transport


def init_web(app: Flask) -> None:
    services = app.extensions["handoff"]
    app.secret_key = services.config.signing_key()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=services.config.secure_cookies)
    init_transport(app, services.config)
    init_i18n(app)
    # A form's fields keep the order its designer wrote them in (Jinja's tojson sorts keys by default).
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    # {% trans %} blocks are looked up as extracted: whitespace trimmed (tools/i18n.py extracts them so).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    for module in (session_auth, pages_tasks, pages_instances, pages_manager, pages_designer, pages_inbox,
                   pages_admin_people, pages_admin_records, pages_deliveries, pages_migrations, pages_operations):
        app.register_blueprint(module.bp)
    register_filters(app)
    register_process_words(app)
    register_page_words(app)
    app.jinja_env.globals["document_accept"] = documents.ACCEPT  # file choosers offer what uploads take

    @app.get("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico whatever the page links; the same small SVG answers."""
        return send_from_directory(app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @app.after_request
    def not_cached(response):
        """A page carries the viewer's API token: the back button after logging out must not show it again."""
        if response.mimetype == "text/html" and not request.path.startswith(("/api/", "/static/")):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def header():
        user = g.get("user")
        if user is None:
            return {"csrf_token": session_auth.csrf_token}
        with services.sessions() as session:
            groups = groups_of(session, user.id)
            overview = may_see_overview(session, user.id, groups)
            operator = incidents.operates_anything(session, services, user.id)
            unread = session.scalar(select(func.count(Message.id)).where(
                Message.recipient_id == user.id, Message.read_at.is_(None)))
        return {"csrf_token": session_auth.csrf_token, "me": user, "my_groups": groups, "unread": unread,
                "may_see_dashboard": overview, "may_see_operations": operator,
                "api_token": g.get("token")}
