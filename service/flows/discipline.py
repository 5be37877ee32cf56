"""R2.2 collaboration discipline: a rep whose handovers fall short must be trained before new opportunities.

A process opts in with the process-level property ``start_guard=collaboration_discipline``.
The figures come from the operation log only: ``handover_submitted`` (with its ``complete``
flag) and ``handover_delayed`` entries of the rep's projects since the later of the
rolling window's start and the rep's last recorded training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.store.models import AuditEvent, Instance, TrainingRecord, User

from . import audit, org
from .context import Services
from .errors import Forbidden, NotFound
from .unit_of_work import UnitOfWork

COURSE = "collaboration"
WINDOW = timedelta(days=90)
INCOMPLETE_LIMIT = 0.10


@dataclass(frozen=True)
class Standing:
    submitted: int
    incomplete: int
    delayed: int
    since: datetime

    @property
    def blocked(self) -> bool:
        return self.delayed > 0 or (self.submitted > 0 and self.incomplete / self.submitted > INCOMPLETE_LIMIT)


def standing(session: Session, user_id: int, now: datetime) -> Standing:
    trained = session.scalar(select(func.max(TrainingRecord.completed_at)).where(
        TrainingRecord.user_id == user_id, TrainingRecord.course == COURSE))
    since = max(now - WINDOW, trained) if trained else now - WINDOW
    mine = select(Instance.id).where(Instance.started_by == user_id)
    rows = session.execute(select(AuditEvent.kind, AuditEvent.data).where(
        AuditEvent.instance_id.in_(mine), AuditEvent.at >= since,
        AuditEvent.kind.in_(("handover_submitted", "handover_delayed")))).all()
    submitted = [data for kind, data in rows if kind == "handover_submitted"]
    incomplete = sum(1 for data in submitted if not data.get("complete"))
    delayed = sum(1 for kind, _ in rows if kind == "handover_delayed")
    return Standing(len(submitted), incomplete, delayed, since)


def collaboration_discipline(session: Session, user_id: int | None, now: datetime) -> None:
    if user_id is None:
        return
    state = standing(session, user_id, now)
    if state.blocked:
        user = session.get(User, user_id)
        raise Forbidden(
            f"{user.display_name} must complete collaboration training before starting new opportunities: "
            f"{state.incomplete} of {state.submitted} handover packages were incomplete at first submission, "
            f"{state.delayed} handover(s) were delayed beyond 48 hours. A manager records the training.",
            standing={"submitted": state.submitted, "incomplete": state.incomplete, "delayed": state.delayed})


GUARDS = {"collaboration_discipline": collaboration_discipline}


def record_training(services: Services, user_id: int, actor_id: int, course: str = COURSE) -> int:
    """A manager of the rep records the completed training; the rep may start opportunities again."""
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        if uow.session.get(User, user_id) is None:
            raise NotFound(f"no user {user_id}")
        if not org.is_manager_of(uow.session, actor_id, user_id):
            raise Forbidden("only a manager of this person can record their training")
        row = TrainingRecord(user_id=user_id, course=course, completed_at=now, recorded_by=actor_id)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, now, "training_recorded", actor_id=actor_id, user_id=user_id, course=course)
        uow.commit()
        return row.id
