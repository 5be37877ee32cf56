"""What a flow needs from the outside world, injected so that flows know no HTTP or RQ."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from integrations.channels import Channel  # interfaces only: service.runtime wires the adapters
from integrations.esign import Signer
from integrations.knowledge_base import KnowledgeBase
from integrations.routing import Routing
from service.clock import utcnow
from service.engine.library import SpecLibrary
from service.engine.runner import Engine
from service.store.people_cache import PeopleCache


class AlarmClock(Protocol):
    """Wakes an instance at a moment (RQ in production; see service.queues).

    `pipe` lets several post-commit signals share one Redis round trip.
    """

    def schedule(self, instance_id: int, at: datetime) -> None: ...

    def schedule_many(self, wakeups: list[tuple[int, datetime]], suffix: str = "", pipe=None) -> None: ...


class OutboxDispatcher(Protocol):
    def dispatch(self, outbox_ids: list[int], pipe=None) -> None: ...


class NoAlarm:
    """For tools that never run timers (e.g. `bpmn deploy`); the sweeper catches up anyway."""

    def schedule(self, instance_id: int, at: datetime) -> None:
        return None

    def schedule_many(self, wakeups, suffix: str = "", pipe=None) -> None:
        return None


class NoDispatch:
    def dispatch(self, outbox_ids: list[int], pipe=None) -> None:
        return None


@dataclass
class Services:
    sessions: sessionmaker[Session]
    library: SpecLibrary
    alarm: AlarmClock = field(default_factory=NoAlarm)
    outbox: OutboxDispatcher = field(default_factory=NoDispatch)
    clock: Callable[[], datetime] = utcnow
    # the adapters, given by service.runtime.build (flows import no concrete adapter)
    channels: dict[str, Channel] = field(default_factory=dict)
    knowledge_base: KnowledgeBase | None = None
    signer: Signer | None = None  # runtime.build keys it with the service's secret
    routing: Routing = field(default_factory=Routing)  # who wants which channels (HANDOFF_NOTIFY_CONFIG)
    people: PeopleCache = field(default_factory=PeopleCache)  # runtime.build gives it Redis; without, no copies
    config: Any = None  # service.config.Config, when built by service.runtime
    redis: Any = None
    db_engine: Any = None

    def __post_init__(self):
        self.engine = Engine(self.library)
        from .thrown import CHANNEL, ThrownEvents  # messages and signals thrown to other instances

        self.channels.setdefault(CHANNEL, ThrownEvents(self))

    def signal_committed(self, wakeups: list[tuple[int, datetime]], outbox_ids: list[int]) -> None:
        """After a commit: set alarms and queue deliveries, in one Redis round trip when there is Redis."""
        pipe = None
        if self.redis is not None:
            pipe = self.redis.pipeline()
            pipe.multi()  # RQ's enqueue insists on an explicit transaction when handed a pipeline
        if wakeups:
            self.alarm.schedule_many(wakeups, pipe=pipe)
        if outbox_ids:
            self.outbox.dispatch(outbox_ids, pipe=pipe)
        if pipe is not None:
            pipe.execute()
