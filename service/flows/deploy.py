"""Validating and deploying process files as new, content-hashed versions (R11)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from service.engine.bundle import (
    BPMN_SUFFIXES,
    CALENDARS,
    FORMS_PREFIX,
    Bundle,
    process_line,
    process_sources,
    split_bundles,
)
from service.engine.library import script_functions
from service.engine.validate import Problem, validate_files, validate_with_warnings
from service.i18n import Text
from service.store import queries
from service.store.models import ProcessVersion

from .context import Services
from .errors import DeployInvalid, NotFound, VersionUnusable
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    content_hash: str
    created: bool
    restores: int | None = None  # the older version whose content this new version brings back (an undo)
    warnings: tuple[str, ...] = ()  # words not translated yet: shown to the designer, never a refusal
    warning_problems: tuple[Problem, ...] = field(default=(), compare=False)  # the same, to render per reader


def deploy(services: Services, files: dict[str, str], deployed_by: str | None = None,
           on_top_of_deployed: bool = False) -> list[Deployed]:
    """Validates every file, then records a new version for each process whose files changed.

    Unchanged processes keep their version; running instances keep theirs. Files identical to an
    older version make that content the newest again, as a new version (a designer's undo). With
    `on_top_of_deployed`, the upload changes the library as deployed: a designer can send
    one edited diagram without its forms, tables and called processes, and only processes
    made of a file that was sent get a new version.
    """
    sent = set(files)
    if on_top_of_deployed:
        with services.sessions() as session:
            files = {**queries.newest_files(session), **files}
    forms = {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}
    problems, warnings = validate_with_warnings(process_sources(files), forms)
    problems += calendar_problems(files)
    if problems:
        raise DeployInvalid(problems)
    # A process untouched by an upload on top of the deployed library stays exactly as deployed.
    bundles = [b for b in split_bundles(files) if not on_top_of_deployed or sent.intersection(b.files)]
    problems = load_problems(services, bundles)
    if problems:
        raise DeployInvalid(problems)
    now = services.clock()
    results = []
    with UnitOfWork(services.sessions) as uow:
        for bundle in bundles:
            results.append(_with_warnings(_deploy_bundle(uow.session, bundle, deployed_by, now), bundle, warnings))
        uow.commit()
    return results


def _with_warnings(result: Deployed, bundle: Bundle, warnings: list[Problem]) -> Deployed:
    """The warnings about this bundle's own files (its diagrams and forms)."""
    mine = [w for w in warnings if w.file in bundle.files]
    return dataclasses.replace(result, warnings=tuple(str(w) for w in mine), warning_problems=tuple(mine)) \
        if mine else result


def load_problems(services: Services, bundles: list[Bundle]) -> list[Problem]:
    """Loads each bundle exactly as a worker will (parser, forms, calendars); what fails is a problem."""
    problems = []
    for bundle in bundles:
        try:
            services.library.add(bundle)
        except Exception as error:  # noqa: BLE001 - anything that would stop a worker stops the deploy
            log.warning("a worker could not load %s", bundle.process_id, exc_info=error)
            first = min((p for p in bundle.files if p.endswith(BPMN_SUFFIXES)), default="-")
            problems.append(Problem(first, process_line(bundle.files.get(first, ""), bundle.process_id),
                                    bundle.process_id, Text("a worker could not load this process: %(error)s",
                                                                 error=str(error))))
    return problems


def calendar_problems(files: dict[str, str]) -> list[Problem]:
    """`bpmn/calendars.json` defines the business-hours calendars timers may count in."""
    if CALENDARS not in files:
        return []
    try:
        script_functions(files)
    except (ValueError, TypeError, AttributeError) as error:
        return [Problem(CALENDARS, None, "-", str(error))]
    return []


def activate(services: Services, process_id: str, version: int, activated_by: str | None = None) -> Deployed:
    """Makes an older version current again: a new version number with exactly its files (undo).

    The files are checked as a deploy checks them, so a version that no longer validates or
    loads is refused with its problems. Activating the newest version changes nothing.
    """
    with services.sessions() as session:
        row = session.scalars(select(ProcessVersion).options(undefer(ProcessVersion.files)).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == version)).first()
        if row is None:
            raise NotFound(Text("process %(process_id)s has no version %(version)s",
                                process_id=process_id, version=version))
        if row.unusable_reason:
            raise VersionUnusable(Text("process %(process_id)s version %(version)s cannot be made current: "
                                       "its files do not load (%(unusable_reason)s)",
                                       process_id=process_id, version=version, unusable_reason=row.unusable_reason))
        bundle = Bundle(row.process_id, row.name, dict(row.files))
    forms = {p[len(FORMS_PREFIX):]: t for p, t in bundle.files.items() if p.startswith(FORMS_PREFIX)}
    problems = (validate_files(process_sources(bundle.files), forms) + calendar_problems(bundle.files)
                or load_problems(services, [bundle]))
    if problems:
        raise DeployInvalid(problems)
    with UnitOfWork(services.sessions) as uow:
        result = _deploy_bundle(uow.session, bundle, activated_by, services.clock())
        uow.commit()
    return result


def _deploy_bundle(session: Session, bundle: Bundle, deployed_by, now) -> Deployed:
    """A new version unless the newest already has these files; an older twin is named as restored."""
    newest = queries.latest_version(session, bundle.process_id)
    if newest is not None and newest.content_hash == bundle.content_hash:
        return Deployed(newest.process_id, newest.version, newest.content_hash, False)
    twin = queries.version_by_hash(session, bundle.content_hash)
    version = queries.next_version_number(session, bundle.process_id)
    session.add(ProcessVersion(process_id=bundle.process_id, version=version, name=bundle.name,
                               content_hash=bundle.content_hash, files=bundle.files, deployed_at=now,
                               deployed_by=deployed_by))
    session.flush()
    return Deployed(bundle.process_id, version, bundle.content_hash, True, twin.version if twin else None)


def bundle_loader(sessions: sessionmaker[Session]) -> Callable[[str], Bundle | None]:
    """Lets the spec library parse a version it has not seen yet (e.g. after a restart)."""

    def load(content_hash: str) -> Bundle | None:
        with sessions() as session:
            row = queries.version_by_hash(session, content_hash)
            return Bundle(row.process_id, row.name, dict(row.files)) if row else None

    return load
