"""Options for form fields the page can name: ``"x-choices": "<source>"``, and references to projects.

Why: a JSON Schema form cannot know today's customers or the viewer's projects; the designer names
the source (or marks the field ``"x-references": "instance:<process>"``), and the pages turn it into
an ``enum`` with readable titles for the renderer, so nobody types an id. The server still checks
the value itself (`flows.references`): the list only spares a person the ids.
"""

from __future__ import annotations

import copy

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.flows import visibility
from service.store.models import Customer, Instance

PROJECTS_LISTED = 200  # the viewer's most recent running projects; an older one can still be referenced by API


def _customers(session: Session, user_id: int | None) -> list[tuple[int, str]]:
    return list(session.execute(select(Customer.id, Customer.name).order_by(Customer.name)))


SOURCES = {"customers": _customers}


def _projects(session: Session, user_id: int | None, process_id: str | None) -> list[tuple[int, str]]:
    """Running instances the viewer can see (R6), newest first: "#12 ACME Education · Implementation"."""
    if user_id is None:
        return []
    query = (select(Instance.id, Customer.name, Instance.stage)
             .outerjoin(Customer, Customer.id == Instance.customer_id).where(Instance.status == "running"))
    if process_id:
        query = query.where(Instance.process_id == process_id)
    condition = visibility.visible_instances(session, user_id)
    if condition is not None:
        query = query.where(condition)
    rows = list(session.execute(query.order_by(Instance.id.desc()).limit(PROJECTS_LISTED)))
    unlinked = [id_ for id_, name, _stage in rows if not name]  # not linked to its customer yet: its data names it
    named = {id_: data.get("customer") for id_, data in session.execute(
        select(Instance.id, Instance.data).where(Instance.id.in_(unlinked)))} if unlinked else {}
    return [(id_, " · ".join(part for part in (f"#{id_} {name or named.get(id_) or ''}".strip(), stage) if part))
            for id_, name, stage in rows]


def _options(session: Session, prop: dict, user_id: int | None) -> list[tuple[int, str]] | None:
    source = SOURCES.get(prop.get("x-choices", ""))
    if source:
        return source(session, user_id)
    reference = prop.get("x-references")
    if isinstance(reference, str) and (reference == "instance" or reference.startswith("instance:")):
        return _projects(session, user_id, reference.partition(":")[2] or None)
    return None


def with_choices(session: Session, schema: dict | None, user_id: int | None = None) -> dict | None:
    """A copy of `schema` whose choice fields list their options (unknown sources, or none, stay free fields)."""
    if schema is None:
        return None
    schema = copy.deepcopy(schema)

    def walk(node: dict) -> None:
        for prop in node.get("properties", {}).values():
            options = _options(session, prop, user_id) if isinstance(prop, dict) else None
            if options:
                prop["enum"] = [value for value, _ in options]
                prop.setdefault("options", {})["enum_titles"] = [title for _, title in options]
            if isinstance(prop, dict) and prop.get("type") == "object":
                walk(prop)

    walk(schema)
    return schema
