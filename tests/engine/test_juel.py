"""Camunda 7's JUEL, as Camunda Modeler writes it, gives the value Camunda would, in Handoff's sandbox."""

from __future__ import annotations

import pytest

from service.engine.juel import JuelError, condition_source, juel_problem, to_python, translate_dollar
from service.engine.sandbox import SandboxEnvironment

DATA = {"approved": True, "amount": 1500, "a": "x", "b": True, "x": "", "name": "Ada", "items": [1, 2, 3],
        "customer": {"name": "ACME", "tier": "gold"}, "empty_list": [], "zero": 0, "initiator": "rep"}


def juel(body: str, **data):
    return SandboxEnvironment().evaluate(to_python(body), {**DATA, **data})


@pytest.mark.parametrize(("body", "value"), [
    ("approved", True),
    ("!approved", False),
    ("not approved", False),
    ("amount > 1000", True),
    ("amount gt 1000 and amount lt 2000", True),
    ("amount ge 1500 && amount le 1500", True),
    ("a == 'x' && b", True),
    ('a eq "x" || false', True),
    ("a ne 'x' or amount == 1500", True),
    ("amount != 1500", False),
    ("empty x", True),
    ("not empty x", False),
    ("!empty name", True),
    ("empty empty_list", True),
    ("empty zero", False),
    ("empty nobody_set_this", True),
    ("amount > 1000 ? 'big' : 'small'", "big"),
    ("customer.name", "ACME"),
    ("customer['tier'] == 'gold'", True),
    ("items.size() == 3", True),
    ("items.contains(2)", True),
    ("name.toUpperCase()", "ADA"),
    ("amount div 2 + amount mod 7", 750 + 1500 % 7),
    ("-amount < 0", True),
    ("null == null", True),
    ("'it\\'s'", "it's"),
    ("initiator", "rep"),
    ("(amount > 1000) && (a == \"x\")", True),
])
def test_juel_evaluates_as_camunda_does(body, value):
    assert juel(body) == value


@pytest.mark.parametrize(("body", "duration"), [
    ("dateTime().plusWeeks(1).toDate()", "P1W"),
    ("dateTime().plusDays(3).toDate()", "P3D"),
    ("dateTime().plusHours(4).toDate()", "PT4H"),
    ("dateTime().plusDays(1).plusHours(12).toDate()", "P1DT12H"),
    ("dateTime().plusMonths(2).plusMinutes(30)", "P2MT30M"),
    ("dateTime().plusDays(days).toDate()", "P5D"),
])
def test_due_date_idioms_become_iso_durations_from_when_the_task_opens(body, duration):
    assert juel(body, days=5) == duration


@pytest.mark.parametrize("body", [
    'business_hours("PT24H")',  # Handoff's own helpers are JUEL function calls too
    "group",
])
def test_handoffs_own_expressions_translate_to_themselves(body):
    assert to_python(body) == body


@pytest.mark.parametrize("body", [
    "x if approved else y",  # Python, not JUEL: kept as it is
    "customer.get('name', 'nobody')",
    "[n for n in items if n > 1]",
    "0 < amount < 2000",  # a Python chain keeps Python's meaning
])
def test_python_expressions_are_kept_as_written(body):
    assert translate_dollar("${" + body + "}") == "${" + body + "}"
    assert juel_problem(body) is None


def test_conditions_translate_only_inside_dollar_braces():
    assert condition_source("${!approved}") == "(not approved)"
    assert condition_source("#{approved}") == "approved"
    assert condition_source("approved == True") == "approved == True"  # Handoff's Python condition


@pytest.mark.parametrize(("body", "says"), [
    ("dateTime().minusDays(1)", "dateTime().minusDays() has no Handoff equivalent"),
    ("amount >", "unexpected 'end of the expression'"),
    ("a ? b", "expected ':'"),
    ("__class__", "cannot be used"),
])
def test_what_is_neither_juel_nor_python_says_why(body, says):
    with pytest.raises(JuelError) as error:
        to_python(body)
    assert says in str(error.value)


def test_a_juel_typo_is_a_problem_only_when_python_cannot_read_it_either():
    assert juel_problem("amount > ") is not None
    assert juel_problem("amount > 1000") is None
