"""Options for form fields marked ``"x-choices": "<source>"``: the form names a list, the page fills it in.

Why: a JSON Schema form cannot know today's customers; the designer names the source,
and the pages turn it into an ``enum`` with readable titles for the renderer.
"""

from __future__ import annotations

import copy

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import Customer


def _customers(session: Session) -> list[tuple[int, str]]:
    return list(session.execute(select(Customer.id, Customer.name).order_by(Customer.name)))


SOURCES = {"customers": _customers}


def with_choices(session: Session, schema: dict | None) -> dict | None:
    """A copy of `schema` whose ``x-choices`` fields list their options (unknown sources stay free fields)."""
    if schema is None:
        return None
    schema = copy.deepcopy(schema)

    def walk(node: dict) -> None:
        for prop in node.get("properties", {}).values():
            source = SOURCES.get(prop.get("x-choices", ""))
            if source:
                options = source(session)
                prop["enum"] = [value for value, _ in options]
                prop.setdefault("options", {})["enum_titles"] = [title for _, title in options]
            if prop.get("type") == "object":
                walk(prop)

    walk(schema)
    return schema
