"""SpiffWorkflow's script engine, with what a timer expression yields checked before it is used.

SpiffWorkflow evaluates a timer's expression and computes with the result at once: a
``"P100000000Y"`` stepped month by month for ever, a date-time that is not ISO 8601 (or a
duration in a timeDate) failed with a bare ``ValueError`` or ``TypeError`` naming no element.
Here the value is checked (`iso8601`, at most 100 years) the moment it is evaluated, and a bad
one is a `ProcessError` at the timer's element.
"""

from __future__ import annotations

from datetime import UTC, datetime

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)

from . import iso8601
from .errors import ProcessError

_CHECKS = {
    DurationTimerEventDefinition: ("duration", lambda value, now: iso8601.parse_duration(value, "timer duration")),
    TimeDateEventDefinition: ("date", lambda value, now: iso8601.parse_date(value, now, "timer date")),
    CycleTimerEventDefinition: ("cycle", lambda value, now: iso8601.parse_cycle(value, now, "timer cycle")),
}


def _timer_check(spec, expression: str):
    definition = getattr(spec, "event_definition", None)
    definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    for candidate in definitions:
        check = _CHECKS.get(type(candidate))
        if check is not None and candidate.expression == expression:
            return check[1]
    return None


class HandoffScriptEngine(PythonScriptEngine):
    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        check = _timer_check(task.task_spec, expression)
        if check is not None:
            try:
                check(value, datetime.now(UTC))
            except iso8601.TimeValueError as error:
                element = task.task_spec.bpmn_id
                raise ProcessError(element, f"timer {element}: {error}") from None
        return value
