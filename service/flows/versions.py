"""Loading deployed process versions, and setting aside one whose files do not load.

Deploy checks everything a worker will load, but a version row can still arrive
another way (a restore, a hand-made row, an older release's deploy). A worker must not
die over it at start-up, and starting it must not answer 500: the version is marked
unusable once (with the reason, logged once) and skipped from then on.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from service.engine.library import ParsedProcess
from service.engine.validate_checks import one_line
from service.store.models import ProcessVersion
from service.store.outage import database_unavailable

from .context import Services
from .errors import VersionUnusable

log = logging.getLogger(__name__)
PRELOADED = 50  # the newest versions a worker parses before its first job


def preload(services: Services, limit: int = PRELOADED) -> list[str]:
    """Parses the newest usable versions; returns the content hashes set aside as unusable."""
    with services.sessions() as session:
        rows = session.execute(select(ProcessVersion.id, ProcessVersion.content_hash)
                               .where(ProcessVersion.unusable_reason.is_(None))
                               .order_by(ProcessVersion.id.desc()).limit(limit)).all()
    unusable = []
    for version_id, content_hash in rows:
        try:
            services.library.get(content_hash)
        except Exception as error:  # noqa: BLE001 - whatever the files do, the other versions go on
            _unless_outage(error)
            mark_unusable(services, version_id, error)
            unusable.append(content_hash)
    return unusable


def load(services: Services, version: ProcessVersion) -> ParsedProcess:
    """The parsed version, or `VersionUnusable` (409) for one whose files do not load."""
    if version.unusable_reason:
        raise _refusal(version, version.unusable_reason)
    try:
        return services.library.get(version.content_hash)
    except Exception as error:  # noqa: BLE001 - a JSONDecodeError, a RecursionError, a parse error...
        _unless_outage(error)
        reason = mark_unusable(services, version.id, error)
        raise _refusal(version, reason) from error


def mark_unusable(services: Services, version_id: int, error: Exception) -> str:
    """Records why the version does not load, in its own transaction; logs it the first time."""
    reason = one_line(f"{type(error).__name__}: {error}")[:1000]
    with services.sessions() as session:
        marked = session.execute(update(ProcessVersion).where(ProcessVersion.id == version_id,
                                                              ProcessVersion.unusable_reason.is_(None))
                                 .values(unusable_reason=reason)).rowcount
        session.commit()
    if marked:
        log.error("process version %s cannot be loaded and is set aside: %s", version_id, reason)
    return reason


def _unless_outage(error: Exception) -> None:
    """The database going away while the files are read is an outage, not a broken version."""
    if isinstance(error, SQLAlchemyError) or database_unavailable(error):
        raise error


def _refusal(version: ProcessVersion, reason: str) -> VersionUnusable:
    return VersionUnusable(f"process {version.process_id} version {version.version} cannot be started: "
                           f"its files do not load ({reason}); deploy a fixed version")
