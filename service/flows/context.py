"""What a flow needs from the outside world, injected so that flows know no HTTP or RQ."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from integrations.channels import Channel, default_channels
from service.clock import utcnow
from service.engine.library import SpecLibrary
from service.engine.runner import Engine


class AlarmClock(Protocol):
    """Wakes an instance at a moment (RQ in production; see service.jobs.alarm)."""

    def schedule(self, instance_id: int, at: datetime) -> None: ...


class OutboxDispatcher(Protocol):
    def dispatch(self, outbox_ids: list[int]) -> None: ...


class NoAlarm:
    """For tools that never run timers (e.g. `bpmn deploy`); the sweeper catches up anyway."""

    def schedule(self, instance_id: int, at: datetime) -> None:
        return None


class NoDispatch:
    def dispatch(self, outbox_ids: list[int]) -> None:
        return None


@dataclass
class Services:
    sessions: sessionmaker[Session]
    library: SpecLibrary
    alarm: AlarmClock = field(default_factory=NoAlarm)
    outbox: OutboxDispatcher = field(default_factory=NoDispatch)
    clock: Callable[[], datetime] = utcnow
    channels: dict[str, Channel] = field(default_factory=default_channels)
    config: Any = None  # service.config.Config, when built by service.runtime
    redis: Any = None
    db_engine: Any = None

    def __post_init__(self):
        self.engine = Engine(self.library)
