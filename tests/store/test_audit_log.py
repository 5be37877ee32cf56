"""The operation log is append-only: the database itself refuses edits and deletions."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from service.clock import utcnow
from service.flows import audit


def test_audit_events_cannot_be_updated_or_deleted(services):
    with services.sessions() as session:
        audit.record(session, utcnow(), "instance_started", note="evidence")
        session.commit()
        event_id = session.execute(text("SELECT id FROM audit_event")).scalar_one()
    for statement in ("UPDATE audit_event SET kind = 'forged' WHERE id = :id",
                      "DELETE FROM audit_event WHERE id = :id"):
        with services.sessions() as session, pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement), {"id": event_id})
            session.commit()
    with services.sessions() as session:
        assert session.execute(text("SELECT kind FROM audit_event")).scalars().all() == ["instance_started"]
