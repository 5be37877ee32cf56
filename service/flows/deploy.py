"""Validating and deploying process files as new, content-hashed versions (R11)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

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
from service.engine.validate import Problem, validate_files
from service.store import queries
from service.store.models import ProcessVersion

from .context import Services
from .errors import DeployInvalid
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    content_hash: str
    created: bool


def deploy(services: Services, files: dict[str, str], deployed_by: str | None = None,
           on_top_of_deployed: bool = False) -> list[Deployed]:
    """Validates every file, then records a new version for each process whose files changed.

    Unchanged processes keep their version; running instances keep theirs. With
    `on_top_of_deployed`, the upload changes the library as deployed: a designer can send
    one edited diagram without its forms, tables and called processes, and only processes
    made of a file that was sent get a new version.
    """
    sent = set(files)
    if on_top_of_deployed:
        with services.sessions() as session:
            files = {**queries.newest_files(session), **files}
    forms = {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}
    problems = validate_files(process_sources(files), forms) + calendar_problems(files)
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
            results.append(_deploy_bundle(uow.session, bundle, deployed_by, now))
        uow.commit()
    return results


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
                                    bundle.process_id, f"a worker could not load this process: {error}"))
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


def _deploy_bundle(session: Session, bundle: Bundle, deployed_by, now) -> Deployed:
    existing = queries.version_by_hash(session, bundle.content_hash)
    if existing is not None:
        return Deployed(existing.process_id, existing.version, existing.content_hash, False)
    version = queries.next_version_number(session, bundle.process_id)
    session.add(ProcessVersion(process_id=bundle.process_id, version=version, name=bundle.name,
                               content_hash=bundle.content_hash, files=bundle.files, deployed_at=now,
                               deployed_by=deployed_by))
    session.flush()
    return Deployed(bundle.process_id, version, bundle.content_hash, True)


def bundle_loader(sessions: sessionmaker[Session]) -> Callable[[str], Bundle | None]:
    """Lets the spec library parse a version it has not seen yet (e.g. after a restart)."""

    def load(content_hash: str) -> Bundle | None:
        with sessions() as session:
            row = queries.version_by_hash(session, content_hash)
            return Bundle(row.process_id, row.name, dict(row.files)) if row else None

    return load
