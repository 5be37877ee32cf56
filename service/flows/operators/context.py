"""What an operator may touch: the session, the instance, the clock, new outbox rows.

Outbox rows are kept until the flow has written the instance row (see `settle`), then
written with one INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from integrations.esign import Signer
from integrations.knowledge_base import KnowledgeBase
from integrations.routing import Routing
from service.engine.specs import OperatorCall
from service.store.models import Instance, Outbox
from service.store.people_cache import PeopleCache

from ..errors import ProcessFailed

OUTBOX = Outbox.__table__
INSERT_OUTBOX = insert(OUTBOX).returning(OUTBOX.c.dedup_key, OUTBOX.c.id)  # matched by key: no ordering cost


@dataclass
class OperatorContext:
    session: Session
    instance: Instance
    now: datetime
    new_outbox: list[Outbox] = field(default_factory=list)
    knowledge_base: KnowledgeBase | None = None  # the service's (see Services)
    signer: Signer | None = None
    routing: Routing = field(default_factory=Routing)
    people: PeopleCache = field(default_factory=PeopleCache)
    runner: ClassVar = None

    @classmethod
    def of(cls, services, session: Session, instance: Instance, now: datetime) -> OperatorContext:
        """The context a flow gives the operators of one instance, with the service's adapters."""
        return cls(session, instance, now, knowledge_base=services.knowledge_base, signer=services.signer,
                   routing=services.routing, people=services.people)

    def __call__(self, call: OperatorCall) -> dict | None:
        return type(self).runner(self, call)

    def require(self, call: OperatorCall, name: str):
        value = call.params.get(name)
        if value in (None, ""):
            raise ProcessFailed(f"service task {call.element_id}: {call.topic} needs a {name!r} parameter")
        return value

    def add_outbox(self, row: Outbox) -> Outbox:
        self.new_outbox.append(row)
        return row

    def write_outbox(self) -> list[int]:
        """Inserts the rows added since the last call, in one statement; returns their ids."""
        rows, self.new_outbox = self.new_outbox, []
        if not rows:
            return []
        values = [_column_values(row) for row in rows]
        ids = dict(self.session.connection().execute(INSERT_OUTBOX, values).all())
        for row in rows:
            row.id = ids[row.dedup_key]
        return [row.id for row in rows]


def _column_values(row: Outbox) -> dict:
    """The row's values for a Core INSERT, with the columns' defaults where the operator set nothing."""
    values = {}
    for column in OUTBOX.columns:
        if column.key == "id":
            continue
        value = getattr(row, column.key)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        values[column.key] = value
    return values
