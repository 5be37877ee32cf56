"""Camunda-style ``${expression}`` values, evaluated as Python on a task's data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from . import iso8601

_EXPRESSION = re.compile(r"^\$\{(?P<expr>.*)\}$", re.DOTALL)


def render(task, raw: str) -> Any:
    """``${expr}`` is evaluated against the task data; anything else is a literal string."""
    match = _EXPRESSION.match(raw.strip())
    if match is None:
        return raw
    return task.workflow.script_engine.evaluate(task, match.group("expr"))


def due_time(value: Any, now: datetime) -> datetime | None:
    """A due date from an aware datetime, an ISO 8601 date-time, or an ISO duration counted from now.

    Raises `iso8601.TimeValueError` for anything else, or for a moment more than 100 years away.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return iso8601.parse_date(moment.isoformat(), now, "due date")
    return iso8601.parse_date_or_duration(value, now, "due date")
