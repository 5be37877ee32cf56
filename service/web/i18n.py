"""The page's language (Flask-Babel): the person's profile, else their choice before logging in, else the
browser's ``Accept-Language``; API calls prefer their ``Accept-Language`` (the pages' JavaScript sends the
page's language in it). Translations come from `service.i18n`'s catalogs, so the web, the API, and
e-mails rendered in a worker read the same words.
"""

from __future__ import annotations

from functools import cached_property

from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import Babel, Domain, get_locale

from service import i18n
from service.flows import preferences

bp = Blueprint("language", __name__)


class CatalogDomain(Domain):
    """Flask-Babel's domain, reading `service.i18n`'s merged ``.po`` catalogs instead of ``.mo`` files."""

    def get_translations(self):
        return i18n.translations(current_locale())


class HandoffBabel(Babel):
    @cached_property
    def domain_instance(self):
        return CatalogDomain()


def current_locale() -> str:
    """``en`` or ``zh-CN`` for this request (``en`` outside one)."""
    if not has_request_context():
        return i18n.DEFAULT
    return i18n.normalize(str(get_locale())) or i18n.DEFAULT


def select_locale() -> str:
    default = current_app.extensions["handoff"].config.default_locale
    header = request.headers.get("Accept-Language")
    asked = i18n.normalize(request.args.get("lang"))
    profile = i18n.normalize(getattr(g.get("user"), "locale", None))
    chosen = i18n.normalize(session.get("lang"))
    browser = i18n.negotiate(header, None) if header else None
    order = (browser, profile) if request.path.startswith("/api/") else (asked, profile, chosen, browser)
    tag = next((t for t in order if t), default)
    return tag.replace("-", "_")


def init_i18n(app: Flask) -> None:
    HandoffBabel(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def language():
        tag = current_locale()
        return {"page_locale": tag, "languages": i18n.NAMES, "js_catalog": i18n.js_catalog(tag),
                "localized": i18n.localized}  # {{ localized(m.body, "subject", page_locale) or m.subject }}


@bp.post("/language")
def switch():
    """The header's language switch: the person's profile when logged in, this browser's session before."""
    from .session_auth import _safe_next, check_csrf, user_from_token

    check_csrf()
    tag = i18n.normalize(request.form.get("lang"))
    if tag is None:
        return redirect(_safe_next(request.form.get("next")))
    session["lang"] = tag
    token = session.get("token")
    user = user_from_token(token) if token else None
    if user is not None:
        with current_app.extensions["handoff"].sessions() as db:
            preferences.set_locale(db, user.id, tag)
    return redirect(_safe_next(request.form.get("next")))
