"""A client's Idempotency-Key, recorded in the same transaction as the work it asked for.

The API reserves a key before the work (`api.idempotency`) and stores the answer after. Between
the two the database can go away: the work committed, the answer was never stored. So the flow
itself marks the reservation "committed, with these facts" (the instance started, the task
completed) in its own transaction. Either both the work and the mark are durable, or neither:
a retry that finds the mark knows the work was done and what it was; a retry that finds no mark
on an old reservation knows the work never committed.

The mark also guards the other way round: it updates the reservation only while it still
exists, so a request so slow that a retry has already taken its abandoned reservation over
finds it gone and commits nothing (`Conflict`): the work happens once, by the retry.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store.models import IdempotencyKey

from .errors import Conflict

COMMITTED = "committed"  # key of the mark in `idempotency_key.response` while `status` is still NULL


def record_committed(session: Session, reservation_id: int | None, **facts) -> None:
    """Marks the caller's reservation as done with `facts`, in the caller's (uncommitted) transaction."""
    if reservation_id is None:
        return
    marked = session.execute(update(IdempotencyKey).where(IdempotencyKey.id == reservation_id,
                                                          IdempotencyKey.status.is_(None),
                                                          IdempotencyKey.response.is_(None))
                             .values(response={COMMITTED: facts}).execution_options(synchronize_session=False))
    if marked.rowcount != 1:
        raise Conflict(Text("this request took so long that a retry with its Idempotency-Key took over; "
                            "nothing was done here"))


def committed_facts(row: IdempotencyKey) -> dict | None:
    """What the request's work committed, if its answer was never stored; None if nothing committed."""
    if row.status is None and isinstance(row.response, dict) and isinstance(row.response.get(COMMITTED), dict):
        return row.response[COMMITTED]
    return None
