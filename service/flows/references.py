"""Form fields that name another record: the person submitting must be able to see what they name.

A designer marks such a field in the JSON Schema form with ``"x-references"``:

- ``"instance"``: an instance id the submitter can see (`visibility.can_see_instance`);
- ``"instance:<process_id>"``: the same, and an instance of that process (e.g. the requirement
  freeze's ``project_id`` names a ``project_lifecycle`` instance);
- ``"customer"``: an existing customer id (every signed-in person sees the customer list).

Why: a process that acts on what a field names (the requirement freeze flags its project red and
escalates to the VP, R5) must not act on a record the person could not even look at. An id that
does not exist and one the person may not see get the same answer, so the form reveals nothing.
Document fields (``"format": "document"``) are checked by `documents.check_references`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.i18n import Text
from service.store.models import Customer, Instance

from . import visibility
from .errors import FormInvalid, ProcessFailed

MAX_ID = 2**63 - 1


def _instance(session: Session, value: int, actor_id: int | None, process_id: str | None) -> bool:
    instance = session.get(Instance, value)
    if instance is None or (process_id and instance.process_id != process_id):
        return False
    return actor_id is None or visibility.can_see_instance(session, actor_id, instance)


def _customer(session: Session, value: int, actor_id: int | None, process_id: str | None) -> bool:
    return session.get(Customer, value) is not None


KINDS = {"instance": (_instance, Text("project")), "customer": (_customer, Text("customer"))}


def referencing_fields(schema: dict | None) -> dict[str, str]:
    properties = (schema or {}).get("properties", {})
    return {name: spec["x-references"] for name, spec in properties.items()
            if isinstance(spec, dict) and isinstance(spec.get("x-references"), str)}


def check(session: Session, schema: dict | None, data: dict, actor_id: int | None) -> None:
    """Raises `FormInvalid` naming each field whose record is missing or not the actor's to see.

    `actor_id=None` is the service itself (a job, the demo): existence is still checked.
    """
    errors = {}
    for name, reference in referencing_fields(schema).items():
        if name not in data or data[name] is None:
            continue
        kind, _, process_id = reference.partition(":")
        if kind not in KINDS:
            raise ProcessFailed(f"form field {name!r}: unknown x-references {reference!r} "
                                f"(known: {', '.join(sorted(KINDS))})")
        exists, noun = KINDS[kind]
        value = data[name]
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
                and exists(session, value, actor_id, process_id or None)):
            errors[name] = [Text("no %(noun)s %(detail)r that you can see", noun=noun, detail=value)]
    if errors:
        raise FormInvalid(Text("the form names records you cannot see"), errors)
