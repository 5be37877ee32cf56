"""The shapes of internal words a person must never read, built from what ships (forms/, bpmn/, demo people).

Why built, not listed: a new form field or diagram element joins the check without anyone editing a test.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from service.demo import PEOPLE

REPO = Path(__file__).resolve().parents[2]
KEY_SHAPE = re.compile(r"\b[a-z]+_[a-z_]+\b")
LITERALS = [
    (re.compile(r"\b(None|True|False)\b"), "a Python literal"),
    (re.compile(r"\b[0-9a-f]{64}\b|\b[0-9a-f]{40}\b"), "a full hash"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d"), "an ISO time stamp"),
    (re.compile(r"\d\d:\d\d:\d\d\.\d{3,6}"), "a time stamp with microseconds"),
    (re.compile(r"\(R\d+(\.\d+)?(, R\d+(\.\d+)?)*\)"), "a rule id"),
]


def _walk_schema(schema, keys: set[str], values: set[str]) -> None:
    if isinstance(schema, dict):
        for key, part in (schema.get("properties") or {}).items():
            keys.add(key)
            _walk_schema(part, keys, values)
        for value in schema.get("enum") or []:
            if isinstance(value, str):
                values.add(value)
        for part in schema.values():
            if isinstance(part, dict | list):
                _walk_schema(part, keys, values)
    elif isinstance(schema, list):
        for part in schema:
            _walk_schema(part, keys, values)


@cache
def form_words() -> tuple[frozenset[str], frozenset[str]]:
    """Every data key and every enum value of the shipped forms."""
    keys: set[str] = set()
    values: set[str] = set()
    for path in sorted((REPO / "forms").rglob("*.json")):
        _walk_schema(json.loads(path.read_text(encoding="utf-8")), keys, values)
    return frozenset(keys), frozenset(values)


@cache
def element_ids() -> frozenset[str]:
    """The ids of every process element (tasks, events, gateways, flows, lanes) of the shipped diagrams."""
    ids: set[str] = set()
    for path in sorted((REPO / "bpmn").glob("*.bpmn")):
        for element in ET.parse(path).iter():
            if element.tag.startswith("{http://www.omg.org/spec/BPMN/20100524/MODEL}") and element.get("id"):
                ids.add(element.get("id"))
    return frozenset(ids)


@cache
def internal_names() -> dict[str, str]:
    """Word -> what it is, for every internal name shaped like a key (`a_b`) or a username with a digit.

    Usernames that are plain words ("legal", "finance") are not listed: they read as words."""
    keys, values = form_words()
    names = {key: "a data key" for key in keys}
    names.update({value: "an enum value" for value in values})
    names.update({element: "a diagram element id" for element in element_ids()})
    names.update({username: "a username" for username, *_ in PEOPLE if re.search(r"[_0-9]", username)})
    return {name: kind for name, kind in names.items() if KEY_SHAPE.fullmatch(name) or re.search(r"\d", name)}


def internal_words_in(text: str) -> list[str]:
    """What of `text` is an internal word, each with what it is: empty when the text is all words."""
    names = internal_names()
    found = [f"{word!r} ({names[word]})" for word in re.findall(r"\b[a-z][a-z0-9_]*\b", text) if word in names]
    found += [f"{match.group(0)!r} ({kind})" for pattern, kind in LITERALS for match in pattern.finditer(text)]
    return sorted(set(found))
