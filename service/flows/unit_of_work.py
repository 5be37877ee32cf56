"""One transaction per use case, with work to do only after it commits."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.i18n import Text

from .errors import Conflict

log = logging.getLogger(__name__)


class UnitOfWork:
    """`with UnitOfWork(sessions) as uow:` ... `uow.commit()`; rolls back otherwise.

    A concurrent writer that got there first turns into `Conflict` (HTTP 409).
    Callbacks registered with `after_commit` run once the data is durable; their
    failures are logged, never raised: the sweeper and outbox retries catch up.
    """

    def __init__(self, sessions):
        self._sessions = sessions
        self.session: Session | None = None
        self._after: list[Callable[[], None]] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, StaleDataError):  # raised by an autoflush before commit
            raise Conflict(Text("the instance was changed by someone else; reload and retry")) from exc
        if isinstance(exc, IntegrityError):  # raised by a statement before commit (e.g. a task or outbox row)
            raise Conflict(Text("a conflicting change was committed first")) from exc

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise Conflict(Text("the instance was changed by someone else; reload and retry")) from error
        except IntegrityError as error:
            self.session.rollback()
            raise Conflict(Text("a conflicting change was committed first")) from error
        for callback in self._after:
            try:
                callback()
            except Exception:  # noqa: BLE001 - post-commit work is best effort by design
                log.exception("post-commit callback failed")
