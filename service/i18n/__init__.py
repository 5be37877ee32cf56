"""The languages Handoff speaks, and how a person's is chosen.

Two: English (``en``, the language the code and diagrams are written in) and Simplified Chinese
(``zh-CN``). Tags are BCP 47 as browsers send them; Babel calls the second ``zh_CN``.
Translations are gettext catalogs under ``locales/`` (see `service.i18n.catalog`); anything outside
Flask (flows, jobs, integrations) renders text for a given locale with `tr` or a `Text`.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from .catalog import js_catalog, translations
from .text import N_, Text, listed, localized, render, text_from, text_json, tr, trn

SUPPORTED = ("en", "zh-CN")
DEFAULT = "en"
NAMES = {"en": "English", "zh-CN": "简体中文"}  # each in its own language: a reader finds theirs

__all__ = ["DEFAULT", "N_", "NAMES", "SUPPORTED", "Text", "babel_locale", "js_catalog", "listed", "localized",
           "negotiate", "normalize", "render", "text_from", "text_json", "tr", "translations", "trn"]


def normalize(tag: str | None) -> str | None:
    """``zh``, ``zh_CN``, ``zh-Hans-CN``, ``ZH-cn`` → ``zh-CN``; ``en-GB`` → ``en``; anything else → None."""
    if not tag or not isinstance(tag, str):
        return None
    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if locale.language == "zh" and (locale.script in (None, "Hans")) and locale.territory in (None, "CN", "SG"):
        return "zh-CN"
    if locale.language == "en":
        return "en"
    return None


def negotiate(accept_language: str | None, default: str = DEFAULT) -> str:
    """The best of ours for an ``Accept-Language`` header (``zh-CN,zh;q=0.9,en;q=0.8``), else `default`."""
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ours = normalize(tag)
        if ours and quality > 0:
            wanted.append((-quality, index, ours))
    return min(wanted)[2] if wanted else default


def babel_locale(tag: str | None) -> Locale:
    """The Babel `Locale` of one of ours, for dates, numbers and currency (``zh-CN`` → ``zh_Hans_CN``)."""
    return Locale.parse((normalize(tag) or DEFAULT).replace("-", "_"))



