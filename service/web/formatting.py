"""How times and values read on the pages: in the viewer's own time zone, relative where it helps."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g, has_request_context, session

from service.clock import utcnow

from .words import part_of, title_of, value_text


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
    """`2026-11-25 14:00 CET`: the viewer's profile time zone, named, so nobody converts in their head."""
    if value is None:
        return "-"
    local = value.astimezone(viewer_zone())
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def relative(value: datetime | None) -> str:
    """`in 3 h`, `2 d ago`: how far a due time is from now."""
    if value is None:
        return ""
    seconds = (value - utcnow()).total_seconds()
    amount = abs(seconds)
    text = (f"{int(amount // 86400)} d" if amount >= 86400 else f"{int(amount // 3600)} h" if amount >= 3600
            else f"{int(amount // 60)} min")
    return f"in {text}" if seconds >= 0 else f"{text} ago"


RULE_IDS = re.compile(r"\s*\((?:R\d+(?:\.\d+)?(?:,\s*)?)+\)")


def plain_name(name: str | None) -> str:
    """`Project lifecycle: opportunity to cash (R1, R6)` -> without the SPEC's rule ids, which are for designers."""
    return RULE_IDS.sub("", name or "").strip()


def group_title(name: str | None) -> str:
    """``sales-managers`` -> ``Sales managers``: a group's name as a sentence says it."""
    words = (name or "").replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def short_hash(value: str | None) -> str:
    """The first 12 hex digits of a hash: enough to compare by eye, short enough to read."""
    return f"{value[:12]}…" if value and len(value) > 12 else (value or "")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(local_time=local_time, relative=relative, plain_name=plain_name,
                                 short_hash=short_hash, group_title=group_title)
    app.jinja_env.globals.update(now=utcnow, title_of=title_of, part_of=part_of, value_text=value_text)
