"""Form ``pattern``s: matched with a time limit, and refused at validate time when they can backtrack for ever.

jsonschema matches ``pattern`` with Python's `re`, which has no time limit: ``^(a+)+$`` against 31 characters
held a web worker for 30 s. Here patterns run on the `regex` module (which also backtracks far less) with a
timeout per value, and validate looks for the usual catastrophic shapes: a quantified group that itself
holds an unbounded quantifier (``(a+)+``, ``(a*)*``, ``(\\w+\\s?)*``), and, by trying the pattern with the
same timeout on strings made to make it backtrack, overlapping alternatives (``(a|a)*``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

import regex

from service.i18n import Text

MATCH_TIMEOUT_S = 0.1  # per value, when a person submits a form
PROBE_TIMEOUT_S = 0.05  # per crafted string, when a designer validates a form
PROBE_LENGTH = 30
UNBOUNDED = {"*", "+"}


class PatternTimeout(Exception):
    """The value could not be checked against the pattern in time."""


@lru_cache(maxsize=512)
def compiled(pattern: str):
    return regex.compile(pattern)


def search(pattern: str, value: str, timeout_s: float = MATCH_TIMEOUT_S) -> bool:
    """Whether `value` matches `pattern` somewhere (JSON Schema patterns are not anchored)."""
    try:
        return compiled(pattern).search(value, timeout=timeout_s) is not None
    except TimeoutError:
        raise PatternTimeout(pattern) from None


def problem_with(pattern: str) -> str | None:
    """Why this pattern may not be used in a form, or None (`pattern_problem` in English)."""
    problem = pattern_problem(pattern)
    return None if problem is None else str(problem)


def pattern_problem(pattern: str) -> Text | None:
    """Why this pattern may not be used in a form, in words to translate, or None."""
    try:
        compiled(pattern)
    except regex.error as error:
        return Text("pattern %(pattern)s is not a valid regular expression: %(error)s", pattern=repr(pattern),
                    error=" ".join(str(error).split()))
    if nested_quantifier(pattern):
        return Text("pattern %(pattern)s repeats a group that repeats itself (like (a+)+): matching it can take "
                    "exponential time; write it without the nested repetition", pattern=repr(pattern))
    for probe in _probes(pattern):
        try:
            compiled(pattern).search(probe, timeout=PROBE_TIMEOUT_S)
        except TimeoutError:
            return Text("pattern %(pattern)s takes too long to match %(probe)s... (catastrophic backtracking, "
                        "e.g. overlapping alternatives like (a|a)*)", pattern=repr(pattern), probe=repr(probe[:12]))
    return None


def nested_quantifier(pattern: str) -> bool:
    """A repeated group made only of repeated parts: ``(a+)+``, ``(a*)*``, ``(\\w+\\s?)*``, ``(a+){2,9}``.

    Each repetition can then split the same text in exponentially many ways. A group with a part that must
    appear once per repetition (``(-[a-z]+)*``) is left to the probes, which catch what still backtracks.
    """
    groups: list[dict] = [{"unbounded": False, "fixed": False}]  # the whole pattern, then each open group
    pending = None  # the atom just read, until we know whether a quantifier follows: a group's info or {}
    index, in_class = 0, False

    def settle(quantified_by: tuple[float, bool] | None) -> bool:
        nonlocal pending
        atom, pending = pending, None
        if atom is None:
            return False
        if quantified_by is None:
            groups[-1]["fixed"] |= not atom or atom["fixed"]
            groups[-1]["unbounded"] |= bool(atom) and atom["unbounded"]
            return False
        most, unbounded = quantified_by
        groups[-1]["unbounded"] |= unbounded or (bool(atom) and atom["unbounded"])
        return bool(atom) and atom["unbounded"] and not atom["fixed"] and most > 1

    while index < len(pattern):
        char = pattern[index]
        if in_class:
            if char == "\\":
                index += 1
            elif char == "]":
                in_class = False
        elif char in "*+?{" and pending is not None:
            if settle(_repetition(pattern, index)):
                return True
            if char == "{":
                index = max(index, pattern.find("}", index))
        elif char in "*+?":
            pass  # a lazy or possessive mark after a quantifier (a+?)
        else:
            settle(None)
            if char == "(":
                groups.append({"unbounded": False, "fixed": False})
                index = _after_group_prefix(pattern, index)
            elif char == ")" and len(groups) > 1:
                pending = groups.pop()
            elif char in "|^$":
                pass
            else:
                if char == "[":
                    in_class = True
                elif char == "\\":
                    index += 1
                pending = {}
        index += 1
    return False


def _after_group_prefix(pattern: str, index: int) -> int:
    """The index of the last character of a group's ``(?:``, ``(?=``, ``(?<name>``... prefix (or of ``(``)."""
    if not pattern.startswith("?", index + 1):
        return index
    if pattern[index + 2:index + 3] in (":", "=", "!", ">"):
        return index + 2
    if pattern[index + 2:index + 4] in ("<=", "<!"):
        return index + 3
    if pattern[index + 2:index + 3] in ("<", "P"):
        end = pattern.find(">", index)
        return end if end != -1 else index
    return index + 1


def _repetition(pattern: str, index: int) -> tuple[float, bool]:
    """(how many times at most, unbounded?) for the quantifier at `index`."""
    if pattern[index] in "*+":
        return float("inf"), True
    if pattern[index] == "?":
        return 1, False
    end = pattern.find("}", index)
    low, comma, high = pattern[index + 1:end].partition(",") if end != -1 else ("", "", "")
    if not low.strip().isdigit() or (high.strip() and not high.strip().isdigit()):
        return 1, False  # a literal brace
    if not comma:
        return int(low), False
    if not high.strip():
        return float("inf"), True
    return int(high), False


def _probes(pattern: str) -> Iterator[str]:
    """Runs of each literal character of the pattern (and a few classes), then a character that fails."""
    seen: set[str] = set()
    for char in [*pattern, "a", "0", " ", "-", "_", "."]:
        if char.isprintable() and char not in seen and char not in "\\^$()[]{}|*+?":
            seen.add(char)
            for tail in ("!", "\x00", "a"):
                yield char * PROBE_LENGTH + tail


def patterns_in(schema) -> Iterator[str]:
    """Every ``pattern`` and ``patternProperties`` key anywhere in a schema."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            if isinstance(node.get("patternProperties"), dict):
                yield from (key for key in node["patternProperties"] if isinstance(key, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def line_of(text: str, pattern: str) -> int | None:
    """The line of the form file where the pattern is written (as JSON writes it), if it can be found."""
    at = text.find(json.dumps(pattern))
    if at == -1:
        at = text.find(json.dumps(pattern, ensure_ascii=False))
    return text.count("\n", 0, at) + 1 if at != -1 else None
