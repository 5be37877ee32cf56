"""Checking a password, counting failures, locking and unlocking a login, ending a person's sessions.

Why here and not in the web layer: the page login and the token endpoint must answer alike, and
an admin's unlock is a change to a person like any other (one transaction, audited).

- Constant time: an unknown, inactive or passwordless username still checks a password hash (a
  dummy one made once per process), so how long the answer takes no longer tells who exists.
- Lockout (optional, ``HANDOFF_LOCKOUT_AFTER``): that many failures in a row lock the login for
  ``HANDOFF_LOCKOUT_MINUTES``; a success resets the count; an admin can lift a lock early. Only
  someone who knows the password learns that the login is locked (no one else learns it exists).
- Ending sessions: every token carries the person's `token_epoch`; moving it on (logout, a new
  password) ends every token and page session of theirs at once in every process, because the
  change goes through the people cache's generation like any other change to a user row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.i18n import Text
from service.store.models import User

from . import audit
from .errors import FlowError, NotFound


class AccountLocked(FlowError):
    code, http_status = "account_locked", 403


@dataclass(frozen=True)
class LockoutPolicy:
    after: int = 0  # failures in a row; 0: never lock
    minutes: float = 15.0


@functools.cache
def _dummy_hash() -> str:
    """Made once, with the same method as real passwords, so checking it costs what a real check does."""
    return generate_password_hash("no one has this password")


def check_login(session: Session, username: str, password: str, policy: LockoutPolicy,
                now: datetime) -> User | None:
    """The active user with this name and password, or None; raises `AccountLocked` for a locked login
    with the right password. Commits only when a count or a lock changes."""
    user = session.scalars(select(User).where(User.username == username, User.active)).one_or_none()
    stored = user.password_hash if user is not None and user.password_hash else None
    matches = check_password_hash(stored or _dummy_hash(), password) and stored is not None
    if user is None:
        return None
    if user.locked_until is not None and user.locked_until <= now:  # a lock that ran out: count afresh
        user.failed_logins, user.locked_until = 0, None
    if user.locked_until is not None:
        if matches:
            raise AccountLocked(Text("this login is locked after too many failed attempts until %(until)s UTC; "
                                     "an admin can unlock it sooner",
                                     until=user.locked_until.strftime("%Y-%m-%d %H:%M")))
        return None
    if matches:
        if user.failed_logins or session.is_modified(user):
            user.failed_logins, user.locked_until = 0, None
            session.commit()
        return user
    if policy.after > 0:
        _count_failure(session, user, policy, now)
    return None


def _count_failure(session: Session, user: User, policy: LockoutPolicy, now: datetime) -> None:
    """One more failure, counted in the database (concurrent failures each count); the Nth locks."""
    failures = session.scalar(update(User).where(User.id == user.id)
                              .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins))
    if failures >= policy.after:
        until = now + timedelta(minutes=policy.minutes)
        session.execute(update(User).where(User.id == user.id).values(locked_until=until))
        audit.record(session, now, "login_locked", user_id=user.id, failures=failures,
                     until=until)
    session.commit()


def unlock(session: Session, user_id: int, actor_id: int, now: datetime) -> User:
    """An admin lifts a lock (and the failure count) before it runs out."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Text("no person %(user_id)s", user_id=user_id))
    audit.record(session, now, "login_unlocked", actor_id=actor_id, user_id=user.id,
                 failures=user.failed_logins, was_locked_until=user.locked_until)
    user.failed_logins, user.locked_until = 0, None
    session.commit()
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Every token and page session of this person stops working, in every process (caller commits)."""
    session.execute(update(User).where(User.id == user_id).values(token_epoch=User.token_epoch + 1))
