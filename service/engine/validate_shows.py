"""A user task's ``shows`` property names data keys that must exist: a misspelt one would show nothing.

``<camunda:property name="shows" value="contract_number,contract_document"/>`` lists what the task
page shows above the form (the person's context). A key is known when a form of the files checked
together declares it (a task's or a start form's field), or when a diagram or decision table of
those files mentions it outside ``shows`` (an expression, a parameter, a script, a table's input or
output): data a step writes is named where it is used. Anything else is reported at its line.
"""

from __future__ import annotations

import re

from service.i18n import Text

from .validate_checks import CAMUNDA_NS, Problem

PROPERTY = f"{{{CAMUNDA_NS}}}property"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_shows(element) -> bool:
    return element.tag == PROPERTY and element.get("name") == "shows"


def form_keys(schema) -> set[str]:
    """Every property name a form declares, nested ones and its if/then/else parts included."""
    keys: set[str] = set()
    if isinstance(schema, dict):
        for key, value in (schema.get("properties") or {}).items():
            keys.add(key)
            keys |= form_keys(value)
        for part in ("then", "else", "items", "if"):
            keys |= form_keys(schema.get(part))
        for part in ("allOf", "anyOf", "oneOf"):
            for option in schema.get(part) or []:
                keys |= form_keys(option)
        for value in (schema.get("$defs") or {}).values():
            keys |= form_keys(value)
    return keys


def mentioned(roots) -> set[str]:
    """Identifiers in the files' texts and attribute values, except in the ``shows`` properties themselves."""
    words: set[str] = set()
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str) or _is_shows(element):
                continue
            for text in (element.text, *element.attrib.values()):
                if text:
                    words.update(IDENTIFIER.findall(text))
    return words


def shows_problems(docs: dict[str, object], schemas: dict[str, object]) -> list[Problem]:
    """`docs`: path -> parsed BPMN or DMN root; `schemas`: form key -> schema (None when unusable)."""
    known = set().union(*(form_keys(s) for s in schemas.values())) if schemas else set()
    known |= mentioned(docs.values())
    problems = []
    for path, root in sorted(docs.items()):
        for prop in root.iter(PROPERTY):
            if not _is_shows(prop):
                continue
            task = prop.getparent()
            while task is not None and not task.get("id"):
                task = task.getparent()
            for key in (k.strip() for k in (prop.get("value") or "").split(",")):
                if key and key not in known:
                    problems.append(Problem(
                        path, prop.sourceline, task.get("id") if task is not None else "-",
                        Text("shows '%(key)s', but no form declares it and no step of the process names it "
                             "(misspelt?)", key=key)))
    return problems
