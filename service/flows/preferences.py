"""A person's own settings: the language Handoff speaks to them in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service import i18n
from service.store.models import User


def set_locale(session: Session, user_id: int, tag: str) -> str:
    """Stores one of `i18n.SUPPORTED` (after `i18n.normalize`) as this person's language; commits."""
    locale = i18n.normalize(tag)
    if locale is None:
        raise ValueError(f"unknown language {tag!r}: one of {', '.join(i18n.SUPPORTED)}")
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"no person {user_id}")
    user.locale = locale
    session.commit()
    return locale


def adopt_browser_locale(session: Session, user_id: int, tag: str) -> None:
    """At a first login, the browser's language becomes the person's until they or an admin choose one,
    so e-mails and chat messages reach them in it too."""
    user = session.get(User, user_id)
    locale = i18n.normalize(tag)
    if user is not None and user.locale is None and locale is not None:
        user.locale = locale
        session.commit()
