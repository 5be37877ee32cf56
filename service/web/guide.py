"""What a person can expect: which work comes to their groups and when, and which processes they may start.

Why: an empty list that says "Nothing here" leaves a new person guessing. The deployed diagrams know
who gets what (lanes and candidate groups) and when (the task before it, `engine.arrivals`); the start
events' lanes and start guards know who may start what (`flows.permissions.may_start`). Everything
here is read from the newest version of each deployed process: nothing is named in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from service.engine.arrivals import Before, arrivals
from service.engine.translations import element_name
from service.flows import permissions, versions
from service.flows.errors import Forbidden, ProcessFailed, VersionUnusable
from service.i18n import render, tr
from service.store.models import Group, ProcessVersion
from service.web.i18n import current_locale

from .formatting import group_title, plain_name
from .process_i18n import process_title


@dataclass
class Work:
    """A kind of task that comes to a group, and the ways it comes (after which task, or at which start)."""

    name: str
    before: list[Before] = field(default_factory=list)


@dataclass
class GroupWork:
    group: str
    title: str
    description: str | None
    work: list[Work]


def _newest_versions(session) -> list[ProcessVersion]:
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_id).subquery())
    return list(session.scalars(select(ProcessVersion).join(
        newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.v == ProcessVersion.version))
        .where(ProcessVersion.unusable_reason.is_(None)).order_by(ProcessVersion.name, ProcessVersion.process_id)))


def _parsed(services, session):
    """(version, parsed process) for the newest usable version of every deployed process."""
    found = []
    for version in _newest_versions(session):
        try:
            found.append((version, versions.load(services, version)))
        except VersionUnusable:
            continue
    return found


def work_for(services, session, groups: list[str]) -> list[GroupWork]:
    """For each of the person's groups, the tasks the diagrams offer it and what comes just before each."""
    by_group: dict[str, dict[str, Work]] = {name: {} for name in groups}
    locale = current_locale()
    for _version, parsed in _parsed(services, session):
        for arrival in arrivals(parsed):
            name = element_name(parsed, arrival.element_id, locale, arrival.name)
            for group in arrival.groups:
                if group not in by_group:
                    continue
                work = by_group[group].setdefault(name, Work(name))
                for before in arrival.before:
                    words = element_name(parsed, before.element_id, locale, before.name) if before.element_id \
                        else before.name
                    before = replace(before, name=plain_name(words))
                    if before not in work.before:
                        work.before.append(before)
    descriptions = dict(session.execute(select(Group.name, Group.description).where(Group.name.in_(groups))).all())
    result = []
    for group in groups:
        if by_group[group]:
            work = list(by_group[group].values())
            for item in work:  # reached from another process too: its own start is the rarer way in
                if any(b.kind != "start" for b in item.before):
                    item.before = [b for b in item.before if b.kind != "start"] or item.before
            result.append(GroupWork(group, group_title(group), _description(descriptions.get(group)), work))
    return result


def _description(text: str | None) -> str | None:
    """A group's description (data, written in English) where the page's language has it; else none: the
    page names the group by its title instead of mixing languages."""
    tag = current_locale()
    if not text or tag == "en":
        return text
    translated = tr(tag, text)
    return translated if translated != text else None


@dataclass(frozen=True)
class StartChoice:
    process_id: str
    title: str
    lane: str | None
    lane_title: str | None
    allowed: bool
    reason: str = ""  # why not, when the lane is right but a start guard holds the person back


def start_choices(services, session, user_id: int, groups: list[str], now) -> list[StartChoice]:
    """Every deployed process: whether this person may start it; if not, who may (its start lane) or why not
    (a start guard, e.g. the collaboration training R2.2 asks for)."""
    choices = []
    for version, parsed in _parsed(services, session):
        lane, title = parsed.start_lane, process_title(version)
        reason = ""
        if lane is None or lane in groups:
            try:
                permissions.may_start(session, parsed, version.process_id, user_id, now)
            except (Forbidden, ProcessFailed) as refused:
                reason = render(refused.text, current_locale())
        allowed = (lane is None or lane in groups) and not reason
        choices.append(StartChoice(version.process_id, title, lane, group_title(lane) if lane else None, allowed,
                                   reason))
    return sorted(choices, key=lambda c: (not c.allowed, c.title))
