"""Checks of values a designer writes as literals or ``${...}``: timers, due dates, groups and assignees.

They are evaluated only when an instance gets there; a bad literal would fail every start, so
validate reads them as the parser does (`timer_text`, `juel`) and as the engine will (`iso8601`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from service.i18n import Text

from . import iso8601, timer_text
from .juel import condition_source, dollar_body, juel_problem
from .validate_checks import (
    TIMER_KINDS,
    USER_TASK_EXPRESSIONS,
    FileContext,
    _nearest_id,
    _short,
    bpmn,
    camunda,
    parse_python,
)

TIMER_WORDS = {"duration": Text("duration"), "date": Text("date"), "cycle": Text("cycle")}

def check_timers(ctx: FileContext) -> None:
    """A timer is evaluated when an instance reaches it; a bad one then stalls the instance."""
    for definition in ctx.iter("timerEventDefinition"):
        event = definition.getparent()
        event_id = (event.get("id") if event is not None else None) or _nearest_id(definition)
        found = False
        for child in definition.iterchildren(*(bpmn(kind) for kind in TIMER_KINDS)):
            found = True
            message = timer_text_problem(etree.QName(child).localname, child.text)
            if message:
                ctx.report(child, message, element_id=event_id)
        if not found:
            ctx.report(definition, Text("timer has no timeDuration, timeDate or timeCycle"),
                       element_id=event_id, covers="Time Specification Error")


def timer_problem(tag: str, text: str | None) -> str | None:
    """`timer_text_problem` in English."""
    problem = timer_text_problem(tag, text)
    return None if problem is None else str(problem)


def timer_text_problem(tag: str, text: str | None) -> Text | None:
    """A timer read as the parser reads it (`timer_text`); a literal must be ISO 8601 as the engine parses it."""
    kind = TIMER_KINDS[tag]
    if not text or not text.strip():
        return Text("timer %(kind)s is empty", kind=TIMER_WORDS[kind])
    expr = text.strip()
    body = dollar_body(expr)
    if body is not None and juel_problem(body) is not None:
        return Text("timer expression %(text)s is neither JUEL nor Python: %(error)s", text=_short(expr),
                    error=juel_problem(body))
    if body is None and timer_text.looks_iso(expr):  # e.g. PT24Hours: meant as a literal, it would be a name
        return Text("timer %(kind)s %(text)s is not ISO 8601: write a duration such as PT24H or P3D, a date "
                    "such as 2026-05-04T17:00:00Z, or a cycle such as R3/PT1H", kind=TIMER_WORDS[kind],
                    text=_short(expr))
    if kind == "date" and timer_text.is_relative_date(expr):
        kind = "duration"
    tree, error, _ = parse_python(timer_text.timer_source(expr))
    literal = tree.body if isinstance(tree, ast.Expression) else None
    if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
        return _iso_problem(kind, literal.value)
    if error is not None:
        return Text("timer expression %(text)s is not valid Python: %(error)s", text=_short(expr), error=error)
    if isinstance(literal, ast.Constant):
        return Text("timer %(kind)s %(value)s is not a string", kind=TIMER_WORDS[kind], value=repr(literal.value))
    return None


def _iso_problem(kind: str, value: str) -> str | Text | None:
    """The value as the engine will read it (`iso8601`: SpiffWorkflow's grammar, at most 100 years)."""
    now = datetime.now(UTC)
    parse: Callable[[], Any] = {
        "duration": lambda: iso8601.parse_duration(value, "timer duration"),
        "date": lambda: iso8601.parse_date(value, now, "timer date"),
        "cycle": lambda: iso8601.parse_cycle(value, now, "timer cycle"),
    }[kind]
    try:
        parse()
    except iso8601.TimeValueError as error:
        return error.text
    return None


def check_user_task_values(ctx: FileContext) -> None:
    """Due dates, groups and assignees are evaluated when a task opens; a bad literal would fail every start.

    A ``${...}`` value is checked as Python (what it yields is checked at run time, see
    `service.engine.tasks`); a literal due date must be ISO 8601 within 100 years.
    """
    now = datetime.now(UTC)
    for task in ctx.iter("userTask"):
        for attr in USER_TASK_EXPRESSIONS:
            raw = camunda(task, attr)
            if raw is None:
                continue
            message = _user_task_value_problem(attr, raw, now)
            if message:
                ctx.report(task, Text("camunda:%(attr)s %(problem)s", attr=attr, problem=message))


def _user_task_value_problem(attr: str, raw: str, now: datetime) -> str | Text | None:
    body = dollar_body(raw)
    if body is not None:  # read as the parser reads it (`juel`): JUEL translated, else Handoff's Python
        problem = juel_problem(body)
        if problem is None:
            _, error, _ = parse_python(condition_source(raw))
            return Text("expression %(text)s is not valid Python: %(error)s", text=repr(_short(raw)),
                        error=error) if error else None
        return Text("expression %(text)s is neither JUEL nor Python: %(error)s", text=repr(_short(raw)), error=problem)
    if "${" in raw:
        return Text("%(text)s mixes text and ${...}; an expression is evaluated only when it is the "
                    "whole value", text=repr(_short(raw)))
    if attr in ("dueDate", "followUpDate"):
        try:
            iso8601.parse_date_or_duration(raw, now, "value")
        except iso8601.TimeValueError as error:  # said after the attribute's name: "camunda:dueDate '…' is …"
            return Text(error.text.msgid, **{**error.text.params, "what": ""})
        return None
    names = [name.strip() for name in raw.split(",")] if attr in ("candidateGroups", "candidateUsers") else [raw]
    if not any(names):
        return Text("is empty: name a group (or several, separated by commas)") if attr == "candidateGroups" else None
    if any(len(name) > MAX_NAME for name in names):
        return Text("has a name longer than %(n)s characters", n=MAX_NAME)
    return None


MAX_NAME = 200  # what the task table holds of a group name or username
