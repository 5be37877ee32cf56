"""How times and values read on the pages: in the viewer's own time zone and language, relative where it helps.

Dates, numbers and money go through Babel in the page's locale (`service.i18n.babel_locale`); English pages
read exactly as they did before issue 12 (`2026-11-25 14:00 CET`, `in 3 h`, `800,000`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime, format_timedelta
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from flask import Flask, g, has_request_context, session
from markupsafe import Markup, escape

from service.clock import utcnow
from service.i18n import babel_locale, localized, render, tr

from .i18n import current_locale
from .vocabulary import ALTERED, CHANGED, CUSTOMER_FIELDS, GROUPS, PROVIDERS, STATUSES, UNCHECKABLE
from .words import part_of, title_of, value_text

# A moment as each language writes it (the zone's abbreviation follows).
DATE_TIME = {"en": "yyyy-MM-dd HH:mm", "zh-CN": "yyyy年M月d日 HH:mm"}


def viewer_zone() -> ZoneInfo:
    """The browser's zone (sent at login), else the person's profile zone, else UTC."""
    if not has_request_context():
        return ZoneInfo("UTC")
    for name in (session.get("tz"), getattr(g.get("user"), "time_zone", None)):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_time(value: datetime | None) -> str:
    """`2026-11-25 14:00 CET` / `2026年11月25日 14:00 CET`: the viewer's zone, named, so nobody converts."""
    if value is None:
        return "-"
    local = value.astimezone(viewer_zone())
    tag = current_locale()
    text = format_datetime(local, DATE_TIME.get(tag, DATE_TIME["en"]), locale=babel_locale(tag))
    return f"{text} {local.tzname() or ''}"


def relative(value: datetime | None) -> str:
    """`in 3 h`, `2 d ago` (`3小时后`, `2天前`): how far a due time is from now, in whole units."""
    if value is None:
        return ""
    seconds = (value - utcnow()).total_seconds()
    amount = abs(seconds)
    unit, size = ("day", 86400) if amount >= 86400 else ("hour", 3600) if amount >= 3600 else ("minute", 60)
    whole = int(amount // size)
    tag = current_locale()
    if tag == "en":
        text = f"{whole} {'d' if unit == 'day' else 'h' if unit == 'hour' else 'min'}"
        return f"in {text}" if seconds >= 0 else f"{text} ago"
    delta = timedelta(seconds=whole * size if seconds >= 0 else -whole * size)
    return format_timedelta(delta, granularity=unit, threshold=10**6, add_direction=True, format="short",
                            locale=babel_locale(tag))


def number(value) -> str:
    """`800,000` in the page's locale."""
    return format_decimal(value, locale=babel_locale(current_locale()))


def money(value, currency: str = "CNY") -> str:
    """`CN¥800,000.00` / `¥800,000.00`: an amount with its currency, as the page's locale writes it."""
    if value is None or value == "":
        return "—"
    return format_currency(value, currency, locale=babel_locale(current_locale()))


RULE_IDS = re.compile(r"\s*[(（](?:R\d+(?:\.\d+)?(?:[,，、]\s*)?)+[)）]")  # (R1, R6) and （R7）


def plain_name(name: str | None) -> str:
    """`Project lifecycle: opportunity to cash (R1, R6)` -> without the SPEC's rule ids, which are for designers."""
    return RULE_IDS.sub("", name or "").strip()


def group_title(name: str | None) -> str:
    """``sales-managers`` -> ``Sales managers`` (``销售主管``): a group's name as a sentence says it."""
    words = (name or "").replace("-", " ").replace("_", " ").strip()
    english = words[:1].upper() + words[1:]
    tag = current_locale()
    if tag == "en" or (name or "") not in GROUPS:
        return english
    return tr(tag, GROUPS[name])


def role_word(role: str | None) -> str:
    """A signer's role (a group's name: ``sales``) as the page's language says it; English as stored."""
    if not role or current_locale() == "en":
        return role or ""
    return group_title(role)


def status_word(status: str | None) -> str:
    """``open``, ``running``… in the page's language (English pages show the stored word)."""
    return tr(current_locale(), STATUSES[status]) if status in STATUSES else (status or "")


def provider_word(provider: str | None) -> str:
    """A signature provider's name; the built-in one said in the page's language."""
    return tr(current_locale(), PROVIDERS[provider]) if provider in PROVIDERS else (provider or "")


def change_label(change: dict) -> str:
    """A changed customer field's name (a customer change message, R8) in the page's language."""
    field = str(change.get("field") or "")
    tag = current_locale()
    if tag != "en" and field in CUSTOMER_FIELDS:
        return tr(tag, CUSTOMER_FIELDS[field])
    return change.get("label") or field.replace("_", " ")


def signature_problem(check, words=None, quoted: bool = False) -> str:
    """Why a signature does not hold, in the page's language, naming the section by its form title."""
    problem, section = check.problem or "", check.section
    title = title_of(words, section)
    named = f"“{title}”" if quoted else title
    tag = current_locale()
    if problem == CHANGED % {"section": section}:
        return tr(tag, CHANGED, section=named)
    if problem == ALTERED:
        return tr(tag, ALTERED)
    if problem.startswith("signed with ") and problem.endswith(", which this service cannot check"):
        return tr(tag, UNCHECKABLE, provider=problem.removeprefix("signed with ").split(", which")[0])
    return problem.replace(section, named) if section else problem


def join_words(items, style: str = "list", bold: bool = False) -> Markup:
    """Names one after another: `Legal, Finance` (`法务、财务`); style ``and`` / ``or`` for a sentence."""
    parts = [Markup("<b>%s</b>") % item if bold else escape(item) for item in items]
    if not parts:
        return Markup("")
    tag = current_locale()
    if tag == "en":
        if style == "and" or bold:
            return parts[0] if len(parts) == 1 else Markup(", ").join(parts[:-1]) + Markup(" and ") + parts[-1]
        return Markup(" or " if style == "or" else ", ").join(parts)
    if style == "list" and not bold:
        return Markup("、").join(parts)
    return Markup(format_list([str(p) for p in parts], "or" if style == "or" else "standard",
                              locale=babel_locale(tag)))


def in_locale(value):
    """A `service.i18n.Text` (an error or reason kept untranslated) in the page's language; text as it is."""
    return render(value, current_locale())


def subject_in_locale(message) -> str:
    """An inbox message's subject in the page's language: a flow's own sentence (``subject_text``), else the
    diagram's translation (``subjects``), else the subject as it was delivered."""
    body = message.body if isinstance(message.body, dict) else {}
    return localized(body, "subject", current_locale()) or message.subject


def file_size(size: int | None) -> str:
    """`12.3 KB`: a document's size."""
    return f"{format_decimal(round((size or 0) / 1024, 1), '#,##0.0', locale=babel_locale(current_locale()))} KB"


def short_hash(value: str | None) -> str:
    """The first 12 hex digits of a hash: enough to compare by eye, short enough to read."""
    return f"{value[:12]}…" if value and len(value) > 12 else (value or "")


def title_in(key: str, words) -> str:
    """`title_of` as a filter, for `signs | map('title_in', words)`."""
    return title_of(words, key)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(local_time=local_time, relative=relative, plain_name=plain_name,
                                 short_hash=short_hash, group_title=group_title, role_word=role_word,
                                 status_word=status_word, provider_word=provider_word, join_words=join_words,
                                 signature_problem=signature_problem, change_label=change_label,
                                 in_locale=in_locale,
                                 subject_in_locale=subject_in_locale, file_size=file_size, title_in=title_in,
                                 number=number, money=money)
    app.jinja_env.globals.update(now=utcnow, title_of=title_of, part_of=part_of, value_text=value_text)
