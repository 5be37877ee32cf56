"""Timer text as Camunda Modeler writes it, read as Camunda 7 reads it.

Camunda Modeler writes ``<bpmn:timeDuration>PT5M</bpmn:timeDuration>``: an unquoted ISO 8601
literal. SpiffWorkflow evaluates timer text as Python, where ``PT5M`` is a name and
``2026-12-24T09:00:00Z`` a syntax error. So, once when a diagram is parsed (and the same way in
validate): an unquoted ISO 8601 duration, date-time or cycle is that literal; ``${...}`` is
JUEL translated to Python (`juel`), or Handoff's ``${python}``; anything else, such as
``"PT24H"`` or ``business_hours("PT24H")``, is Python as before.

Camunda's date idiom ``${dateTime().plusDays(1).toDate()}`` translates to the duration ``"P1D"``;
in a timeDate it means "a day after the timer starts", which is a duration timer.
"""

from __future__ import annotations

import re

from SpiffWorkflow.bpmn.specs.event_definitions.timer import DurationTimerEventDefinition, TimeDateEventDefinition

from .juel import JuelError, dollar_body, expression_source, to_python

_ISO_PART = (
    r"(?:P(?=[^/]*\d)[\dYMWDTHS.,]+"
    r"|\d{4}-?\d{2}-?\d{2}(?:T[\d:.,]+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{4}-?W\d{2}-?\d(?:T[\d:.,]+)?)"
)
ISO_LIKE = re.compile(rf"^(?:R\d*/)?{_ISO_PART}(?:/{_ISO_PART})?$", re.IGNORECASE)
_ISO_ATTEMPT = re.compile(r"^(?:R\d*/)?P(?:T|\d)\w*$|^\d{4}-\d{2}-\d{2}T", re.IGNORECASE)
_DATE_TIME_IDIOM = re.compile(r"^\s*dateTime\s*\(\s*\)\s*\.")


def timer_source(text: str | None) -> str | None:
    """The Python the engine evaluates for a timer's text."""
    if text is None:
        return None
    stripped = text.strip()
    body = dollar_body(stripped)
    if body is not None:
        return expression_source(body)
    if ISO_LIKE.match(stripped):
        return repr(stripped)
    return stripped  # Python, without the indentation a modeler may put around it


def looks_iso(text: str) -> bool:
    """Unquoted text meant as an ISO 8601 literal that is not one (``PT24Hours``): Python would read a name."""
    stripped = text.strip()
    return bool(_ISO_ATTEMPT.match(stripped)) and not ISO_LIKE.match(stripped)


def is_relative_date(text: str | None) -> bool:
    """A ``${dateTime().plusX(n).toDate()}`` timeDate: a moment counted from when the timer starts."""
    body = dollar_body(text)
    if body is None or not _DATE_TIME_IDIOM.match(body):
        return False
    try:
        to_python(body)
    except (JuelError, RecursionError):
        return False
    return True


def read_definition(definition):
    """SpiffWorkflow's parsed timer definition, its expression (the text as written) read by `timer_source`."""
    text = definition.expression
    source = timer_source(text)
    if isinstance(definition, TimeDateEventDefinition) and is_relative_date(text):
        return DurationTimerEventDefinition(definition.name, source, description=definition.description)
    definition.expression = source
    return definition
