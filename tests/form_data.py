"""Data a simple user would type into a form: the first choice, a plausible value for every field.

Deterministic on purpose (a driver run must be reproducible): the first `enum`/`const`/`examples`
value, the `default`, else a value that meets the type, bounds and format. Every property is filled,
not only the required ones, because gateways downstream usually read the optional answers too.
"""

from __future__ import annotations

import re
from typing import Any

# For a `pattern`: the first of these it matches (an ISO duration, a date, a code...), else "x".
PATTERN_CANDIDATES = ["x", "PT1H", "P1D", "2026-06-01", "1", "A1", "a@b.example", "+86 10 5555 0101", "V3.2",
                      "C-2026-001", "https://example.com/", "X"]
FORMATS = {"date": "2026-06-01", "date-time": "2026-06-01T09:00:00Z", "time": "09:00:00", "email": "a@b.example",
           "uri": "https://example.com/", "uuid": "00000000-0000-4000-8000-000000000000"}


def sample(schema: dict | None, depth: int = 0, root: dict | None = None) -> Any:
    """A value `schema` accepts (as far as a first-choice user gets); `{}` for a form that is missing."""
    if not isinstance(schema, dict) or depth > 12:
        return {} if depth == 0 else None
    root = root if root is not None else schema
    if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return sample({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, depth + 1, root)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    for key in ("enum", "examples"):
        if schema.get(key):
            return schema[key][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return sample(schema[key][0], depth + 1, root)
    if schema.get("allOf"):
        merged: dict = {}
        for part in schema["allOf"]:
            merged.update(part)
        return sample({**schema, **merged, "allOf": []}, depth + 1, root)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return _of_type(kind, schema, depth, root)


def _of_type(kind: str, schema: dict, depth: int, root: dict) -> Any:
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: sample(sub, depth + 1, root) for name, sub in properties.items()}
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        return [sample(schema.get("items", {"type": "string"}), depth + 1, root) for _ in range(count)]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else 1)
        high = schema.get("maximum")
        value = low if high is None else min(low, high)
        return int(value) if kind == "integer" else value
    if kind == "null":
        return None
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    if "pattern" in schema:
        return next((c for c in PATTERN_CANDIDATES if re.search(schema["pattern"], c)), "x")
    text = "x" * max(1, schema.get("minLength", 1))
    return text[: schema["maxLength"]] if "maxLength" in schema else text
