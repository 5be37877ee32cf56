"""``Idempotency-Key`` on POSTs that create or move things: a retried request acts once.

The key is reserved before the work (so a concurrent duplicate sees it) and the answer stored
after. A retry gets the first answer; a key reused for a different request is a 422; a
duplicate that arrives while the first is still running is a 409 with ``Retry-After``.

A reservation whose answer was never stored (the database went away, the worker was killed)
does not stay 409 for ever. The flow marks the reservation in its own transaction
(`flows.request_keys`), so a retry can tell what happened instead of guessing:

- **marked**: the work committed and only the answer was lost. The retry does not act again;
  it answers with the record the work produced (the instance, the completed task) as it is now,
  through the route's `replay`, with the first answer's status (201, 200).
- **unmarked and older than** ``HANDOFF_IDEMPOTENCY_ABANDON_AFTER`` (300 s, ten times gunicorn's
  worker timeout): the work never committed (the mark would have committed with it). The retry
  deletes the abandoned reservation, reserves afresh and acts. Should the first request still be
  running after all, its flow finds its reservation gone and commits nothing (409): once either way.
- **unmarked and younger**: it may still be running: 409, try again shortly.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import abort, g, make_response, request
from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from service.clock import utcnow
from service.flows.request_keys import committed_facts
from service.store.models import IdempotencyKey

from .common import services

log = logging.getLogger(__name__)
RETRY_AFTER_MAX_S = 30


def _fingerprint() -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + request.get_data()).hexdigest()


def current_reservation() -> int | None:
    """The reservation of the request being served, for the flow to mark done in its transaction."""
    return g.get("idempotency_reservation")


def idempotent(replay: Callable[[dict], tuple[dict, int]]):
    """`replay(facts)` answers a retry whose work committed but whose answer was lost (see above)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = request.headers.get("Idempotency-Key")
            if not key:
                return view(*args, **kwargs)
            if len(key) > 200:
                abort(400, description=gettext("Idempotency-Key is at most 200 characters"))
            row_id = _reserve(key, replay)
            if not isinstance(row_id, int):
                return row_id  # the first answer, replayed
            g.idempotency_reservation = row_id
            try:
                response = make_response(view(*args, **kwargs))
            except Exception:
                _forget(row_id)
                raise
            _remember(row_id, response)
            return response

        return wrapped

    return decorate


def _reserve(key: str, replay):
    fingerprint = _fingerprint()
    for _ in range(3):  # an abandoned reservation is cleared, then reserved afresh
        with services().sessions() as session:
            row = IdempotencyKey(user_id=g.user.id, key=key, fingerprint=fingerprint, created_at=utcnow())
            session.add(row)
            try:
                session.commit()
                return row.id
            except IntegrityError:
                session.rollback()
            first = session.scalars(select(IdempotencyKey).where(IdempotencyKey.user_id == g.user.id,
                                                                 IdempotencyKey.key == key)).first()
            if first is None:
                continue  # cleared between our insert and our read
            if first.fingerprint != fingerprint:
                abort(422, description=gettext("this Idempotency-Key was used for a different request"))
            if first.status is not None:
                return make_response(first.response, first.status)
            facts = committed_facts(first)
            if facts is not None:
                body, status = replay(facts)
                return make_response(body, status)
            age = utcnow() - first.created_at
            limit = timedelta(seconds=services().config.idempotency_abandon_after_s)
            if age < limit:
                wait = min(RETRY_AFTER_MAX_S, max(1, math.ceil((limit - age).total_seconds())))
                response = make_response({"code": "conflict", "errors": {}, "message": gettext(
                    "a request with this Idempotency-Key is still being processed")}, 409)
                response.headers["Retry-After"] = str(wait)
                return response
            _clear_abandoned(session, first.id)
    abort(409, description=gettext("a request with this Idempotency-Key is being retried at the same time"))


def _clear_abandoned(session, row_id: int) -> None:
    """Deletes the reservation only if it is still unanswered and unmarked (its flow never committed)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id, IdempotencyKey.status.is_(None),
                                                 IdempotencyKey.response.is_(None)))
    session.commit()
    log.warning("Idempotency-Key reservation %s was abandoned (its work never committed); the retry acts", row_id)


def _remember(row_id: int, response) -> None:
    with services().sessions() as session:
        row = session.get(IdempotencyKey, row_id)
        if row is None:
            return
        if response.status_code >= 500:
            if committed_facts(row) is None:
                session.delete(row)
        else:
            row.status, row.response = response.status_code, response.get_json(silent=True)
        session.commit()


def _forget(row_id: int) -> None:
    """After a failed request: drop the reservation unless its work committed (then a retry replays it).

    Best effort: with the database gone this fails too, and the reservation expires as abandoned.
    """
    try:
        with services().sessions() as session:
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id,
                                                         IdempotencyKey.status.is_(None),
                                                         IdempotencyKey.response.is_(None)))
            session.commit()
    except Exception:  # noqa: BLE001 - the request's own error is the one to report
        log.warning("could not clear Idempotency-Key reservation %s; it expires as abandoned", row_id,
                    exc_info=True)
