"""How times and values read on the pages: in the viewer's own time zone, relative where it helps."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g, session

from service.clock import utcnow

from .words import part_of, title_of, value_text


def viewer_zone() -> ZoneInfo:
    """The browser's zone (sent at login), else the person's profile zone, else UTC."""
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


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(local_time=local_time, relative=relative)
    app.jinja_env.globals.update(now=utcnow, title_of=title_of, part_of=part_of, value_text=value_text)
