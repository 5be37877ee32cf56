"""``Idempotency-Key`` on POSTs that create or move things: a retried request acts once.

The key is recorded before the work (so a concurrent duplicate sees it), the answer
after. A retry gets the first answer; a key reused for a different request is a 422;
a duplicate that arrives while the first is still running is a 409.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import abort, g, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.clock import utcnow
from service.store.models import IdempotencyKey

from .common import services


def _fingerprint() -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + request.get_data()).hexdigest()


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            abort(400, description="Idempotency-Key is at most 200 characters")
        row_id = _reserve(key)
        if not isinstance(row_id, int):
            return row_id  # the first answer, replayed
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            _forget(row_id)
            raise
        _remember(row_id, response)
        return response

    return wrapped


def _reserve(key: str):
    fingerprint = _fingerprint()
    with services().sessions() as session:
        row = IdempotencyKey(user_id=g.user.id, key=key, fingerprint=fingerprint, created_at=utcnow())
        session.add(row)
        try:
            session.commit()
            return row.id
        except IntegrityError:
            session.rollback()
        first = session.scalars(select(IdempotencyKey).where(IdempotencyKey.user_id == g.user.id,
                                                             IdempotencyKey.key == key)).one()
        if first.fingerprint != fingerprint:
            abort(422, description="this Idempotency-Key was used for a different request")
        if first.status is None:
            abort(409, description="a request with this Idempotency-Key is still being processed")
        return make_response(first.response, first.status)


def _remember(row_id: int, response) -> None:
    with services().sessions() as session:
        row = session.get(IdempotencyKey, row_id)
        if response.status_code >= 500:
            session.delete(row)
        else:
            row.status, row.response = response.status_code, response.get_json(silent=True)
        session.commit()


def _forget(row_id: int) -> None:
    with services().sessions() as session:
        row = session.get(IdempotencyKey, row_id)
        if row is not None:
            session.delete(row)
            session.commit()
