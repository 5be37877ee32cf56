"""A request's language (Flask-Babel), for the pages and the API alike: both read `current_locale()`.

The page's language: the person's profile, else their choice before logging in, else the browser's
``Accept-Language``; API calls prefer their ``Accept-Language`` (the pages' JavaScript sends the page's
language in it). Here rather than in `service.web` so that the API does not depend on the pages.
Flows never import this: they take a locale, or hand back a `Text`.
"""

from __future__ import annotations

from functools import cached_property

from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale

from service import i18n


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
