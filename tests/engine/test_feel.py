"""FEEL in decision-table cells, as Camunda Modeler writes it, matches what Camunda matches."""

from __future__ import annotations

from datetime import date

import pytest

from service.engine.feel import INPUT, FeelError, expression, unary_tests
from service.engine.sandbox import SandboxEnvironment


def passes(test: str, value, **data) -> bool:
    return bool(SandboxEnvironment().evaluate(unary_tests(test), {**data, INPUT: value}))


@pytest.mark.parametrize(("test", "yes", "no"), [
    ("< 250", [0, 249.99], [250, 1000]),
    ("<= 250", [250], [250.01]),
    ("> 1000", [1000.5], [1000]),
    (">= 500000", [500000], [499999]),
    ("[250..1000]", [250, 600, 1000], [249.9, 1000.1]),
    ("]250..1000[", [251, 999], [250, 1000]),
    ("(250..1000)", [251], [250, 1000]),
    ("[1..5[", [1, 4.9], [5]),
    ('"Misc"', ["Misc"], ["misc", "Travel Expenses"]),
    ('"budget","exceptional"', ["budget", "exceptional"], ["day-to-day expense"]),
    ('"budget", "exceptional"', ["exceptional"], [""]),
    ('not("x")', ["y", ""], ["x"]),
    ('not("a", "b")', ["c"], ["a", "b"]),
    ("-", [None, 1, "anything"], []),
    ("", [None, 1], []),
    ("true", [True], [False]),
    ("false", [False], [True]),
    ("null", [None], [0, ""]),
    ("42", [42, 42.0], [41]),
    ("-5", [-5], [5]),
    ("< 10, > 20", [5, 25], [15]),
    ('date("2026-01-01")', [date(2026, 1, 1)], [date(2026, 1, 2)]),
    ('[date("2026-01-01")..date("2026-12-31")]', [date(2026, 6, 1)], [date(2027, 1, 1)]),
    ('? != "education"', ["retail"], ["education"]),
    ("? > 5 and ? < 10", [6], [5, 10]),
    ('? in ("principal", "it_director")', ["principal"], ["teacher"]),
    ("limit", [7], [8]),  # a name: the variable's value
])
def test_unary_tests(test, yes, no):
    for value in yes:
        assert passes(test, value, limit=7), f"{test} should match {value!r}"
    for value in no:
        assert not passes(test, value, limit=7), f"{test} should not match {value!r}"


def test_an_entry_that_is_a_test_of_its_own_reads_the_input_variable():
    assert passes("claimed > 2000", "equipment", claimed=2500)
    assert not passes("claimed > 2000", "equipment", claimed=1500)


@pytest.mark.parametrize(("text", "data", "value"), [
    ('"accounting"', {}, "accounting"),
    ("amount * 0.1", {"amount": 200}, 20.0),
    ('if vip then "gold" else "silver"', {"vip": False}, "silver"),
    ("customer.tier", {"customer": {"tier": "A"}}, "A"),
    ('"up to " + string(10000)', {}, "up to 10000"),
    ("string length(name) > 3", {"name": "Ada"}, False),
    ("max(a, b)", {"a": 1, "b": 2}, 2),
    ("amount between 1 and 10", {"amount": 10}, True),
    ('category in ("a", "b")', {"category": "b"}, True),
    ("[1, 2, 3]", {}, [1, 2, 3]),
    ("not(true)", {}, False),
    ("a = b", {"a": 1, "b": 1}, True),
])
def test_expressions(text, data, value):
    assert SandboxEnvironment().evaluate(expression(text), data) == value


@pytest.mark.parametrize("text", ["'single quoted'", "x.startswith('a')", "len(x) > 1", "[1..", "< "])
def test_what_is_not_feel_is_refused_so_python_can_be_tried(text):
    with pytest.raises(FeelError):
        unary_tests(text)
