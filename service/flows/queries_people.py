"""Small questions about people the web layers ask."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store import queries
from service.store.models import User


def in_group(session: Session, user_id: int, group: str) -> bool:
    return queries.is_member(session, user_id, group)


def username(session: Session, user_id: int) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id))
