"""The page's language (Flask-Babel): the person's profile, else their choice before logging in, else the
browser's ``Accept-Language``; API calls prefer their ``Accept-Language`` (the pages' JavaScript sends the
page's language in it). Translations come from `service.i18n`'s catalogs, so the web, the API, and
e-mails rendered in a worker read the same words.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, request, session

from service import i18n
from service.flows import preferences
from service.i18n.request import HandoffBabel, current_locale, select_locale

__all__ = ["current_locale", "init_i18n"]

bp = Blueprint("language", __name__)


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
