"""R2.2 collaboration discipline: a rep whose handovers fall short must be trained before new opportunities.

A process opts in with the process-level property ``start_guard=collaboration_discipline``.
The figures come from the operation log only: ``handover_submitted`` (with its ``complete``
flag) and ``handover_delayed`` entries of the rep's projects since the later of the
rolling window's start and the rep's last recorded training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store import queries
from service.store.models import AuditEvent, Instance, TrainingRecord, User

from . import audit, org
from .context import Services
from .errors import Forbidden, FormInvalid, NotFound
from .unit_of_work import UnitOfWork

COURSE = "collaboration"
WINDOW = timedelta(days=90)
INCOMPLETE_LIMIT = 0.10
ADMINS = "admins"


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
            Text("%(display_name)s must complete collaboration training before starting new opportunities: "
                 "%(incomplete)s of %(submitted)s handover packages were incomplete at first submission, "
                 "%(delayed)s handover(s) were delayed beyond 48 hours. A manager records the training.",
                 display_name=user.display_name, incomplete=state.incomplete, submitted=state.submitted,
                 delayed=state.delayed),
            standing={"submitted": state.submitted, "incomplete": state.incomplete, "delayed": state.delayed})


GUARDS = {"collaboration_discipline": collaboration_discipline}


def record_training(services: Services, user_id: int, actor_id: int, course: str = COURSE, *,
                    completed_on: date | None = None, note: str | None = None) -> int:
    """A manager of the rep (any level up) or an admin records the completed training; the block lifts at once.

    The training counts from the end of `completed_on` (today: from now): handovers that fell short
    after the day of the training still count. A day still to come is refused (422 on the field).
    """
    now = services.clock()
    completed_at = now
    if completed_on is not None:
        if completed_on > now.date():
            raise FormInvalid(Text("the training cannot be completed in the future"),
                              {"completed_on": [Text("a day up to %(day)s",
                                                     day=now.date().isoformat())]})
        completed_at = min(now, datetime.combine(completed_on + timedelta(days=1), time(), tzinfo=UTC))
    with UnitOfWork(services.sessions) as uow:
        if uow.session.get(User, user_id) is None:
            raise NotFound(Text("no person %(user_id)s", user_id=user_id))
        if not may_record_training(uow.session, actor_id, user_id):
            raise Forbidden(Text("only a manager of this person (at any level) or an admin can record their training"))
        row = TrainingRecord(user_id=user_id, course=course, completed_at=completed_at, recorded_by=actor_id)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, now, "training_recorded", actor_id=actor_id, user_id=user_id, course=course,
                     completed_at=completed_at, note=note)
        uow.commit()
        return row.id


def may_record_training(session: Session, actor_id: int, user_id: int) -> bool:
    return org.is_manager_of(session, actor_id, user_id) or queries.is_member(session, actor_id, ADMINS)


def held_back(session: Session, viewer_id: int, now: datetime) -> list[tuple[User, Standing]]:
    """The people whose training the viewer may record and whom R2.2 holds back now (the dashboard's list)."""
    below = org.reporting_tree(session, viewer_id)
    if queries.is_member(session, viewer_id, ADMINS):
        below |= set(session.scalars(select(Instance.started_by).where(Instance.started_by.is_not(None))))
    people = session.scalars(select(User).where(User.id.in_(below - {viewer_id}), User.active.is_(True))
                             .order_by(User.display_name))
    return [(user, state) for user in people if (state := standing(session, user.id, now)).blocked]
