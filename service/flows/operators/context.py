"""What an operator may touch: the session, the instance, the clock, new outbox rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session

from integrations.esign import Signer
from integrations.knowledge_base import DatabaseKnowledgeBase, KnowledgeBase
from integrations.routing import Routing
from service.engine.specs import OperatorCall
from service.store.models import Instance, Outbox

from ..errors import ProcessFailed


@dataclass
class OperatorContext:
    session: Session
    instance: Instance
    now: datetime
    new_outbox: list[Outbox] = field(default_factory=list)
    knowledge_base: KnowledgeBase = field(default_factory=DatabaseKnowledgeBase)
    signer: Signer | None = None
    routing: Routing = field(default_factory=Routing)
    runner: ClassVar = None

    @classmethod
    def of(cls, services, session: Session, instance: Instance, now: datetime) -> OperatorContext:
        """The context a flow gives the operators of one instance, with the service's adapters."""
        return cls(session, instance, now, knowledge_base=services.knowledge_base, signer=services.signer,
                   routing=services.routing)

    def __call__(self, call: OperatorCall) -> dict | None:
        return type(self).runner(self, call)

    def require(self, call: OperatorCall, name: str):
        value = call.params.get(name)
        if value in (None, ""):
            raise ProcessFailed(f"service task {call.element_id}: {call.topic} needs a {name!r} parameter")
        return value

    def add_outbox(self, row: Outbox) -> Outbox:
        self.session.add(row)
        self.new_outbox.append(row)
        return row
