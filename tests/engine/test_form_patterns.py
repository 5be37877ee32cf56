"""Form patterns: which shapes validate refuses, and matching with a time limit."""

from __future__ import annotations

import time

import pytest

from service.engine.form_patterns import PatternTimeout, nested_quantifier, problem_with, search

CATASTROPHIC = ["^(a+)+$", "^(a*)*$", r"(\w+\s?)*", "(?:x*y*)*", "(a+){2,9}", "((a+))+", "((a+)?)+", "(a+?)+",
                "([a-z]+)*$", "(x+x+)+y", "(?P<x>a+)+", r"^(\w+\.?)+@"]
FINE = ["^PT?[0-9]", "([0-9]{3}-)+", "(ab)+", "[(a+)]+", r"\(a+\)+", "^[a-z]+(-[a-z]+)*$", r"^(\d{3})+$",
        "(?:ab?)+", r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", "^V[0-9]+\\.[0-9]+(-[0-9]{6})?( [a-z ]+)?$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_repeated_group_of_repetitions_is_refused(pattern):
    assert nested_quantifier(pattern)
    assert "repeats a group that repeats itself" in problem_with(pattern)


@pytest.mark.parametrize("pattern", FINE)
def test_ordinary_patterns_pass(pattern):
    assert not nested_quantifier(pattern)
    assert problem_with(pattern) is None


@pytest.mark.parametrize("pattern", ["^(a|a)*$", "^(a|aa)+$"])
def test_overlapping_alternatives_are_caught_by_the_probes_in_bounded_time(pattern):
    started = time.perf_counter()
    assert "takes too long to match" in problem_with(pattern)
    assert time.perf_counter() - started < 2


def test_an_invalid_pattern_is_named():
    assert "not a valid regular expression" in problem_with("(unclosed")


def test_matching_stops_at_the_time_limit():
    started = time.perf_counter()
    with pytest.raises(PatternTimeout):
        search("^(a|a)*$", "a" * 40 + "!", timeout_s=0.1)
    assert time.perf_counter() - started < 1
    assert search("^PT?[0-9]", "PT48H") and not search("^PT?[0-9]", "soon")
