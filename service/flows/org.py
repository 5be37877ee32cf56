"""The org chart: who manages whom, and each manager's whole reporting tree (R9)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import User

MAX_DEPTH = 50


def chain_of_managers(session: Session, user_id: int) -> list[int]:
    """The user's manager, their manager, and so on up (cycles in bad data are cut)."""
    chain: list[int] = []
    user = session.get(User, user_id)
    while user is not None and user.manager_id is not None and len(chain) < MAX_DEPTH:
        if user.manager_id in chain:
            break
        chain.append(user.manager_id)
        user = session.get(User, user.manager_id)
    return chain


def is_manager_of(session: Session, manager_id: int, user_id: int) -> bool:
    return manager_id in chain_of_managers(session, user_id)


def reporting_tree(session: Session, manager_id: int) -> set[int]:
    """Everyone below the manager, at any depth (not the manager)."""
    below: set[int] = set()
    frontier = {manager_id}
    for _ in range(MAX_DEPTH):
        reports = set(session.scalars(select(User.id).where(User.manager_id.in_(frontier)))) - below - {manager_id}
        if not reports:
            break
        below |= reports
        frontier = reports
    return below
