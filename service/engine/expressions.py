"""Camunda-style ``${expression}`` values, evaluated as Python on a task's data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_EXPRESSION = re.compile(r"^\$\{(?P<expr>.*)\}$", re.DOTALL)


def render(task, raw: str) -> Any:
    """``${expr}`` is evaluated against the task data; anything else is a literal string."""
    match = _EXPRESSION.match(raw.strip())
    if match is None:
        return raw
    return task.workflow.script_engine.evaluate(task, match.group("expr"))


def due_time(value: Any, now: datetime) -> datetime | None:
    """A due date from an aware datetime, an ISO 8601 date-time, or an ISO duration counted from now."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    if text.upper().startswith("P"):
        parsed = TimerEventDefinition.parse_iso_duration(text)
        return now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
    return TimerEventDefinition.get_datetime(text)
