"""Projects: the list I may see, one instance's page (diagram, timeline, timers, tasks), and starting one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from service.clock import utcnow
from service.engine.timers import pending_timers
from service.flows import freezing, operation_rules, signatures, versions, visibility, waits
from service.flows.errors import VersionUnusable
from service.i18n import render
from service.store import queries
from service.store.models import AuditEvent, Customer, Document, Instance, Task, User
from service.web.i18n import current_locale

from . import guide
from .choices import SOURCES, with_choices
from .process_i18n import localized_form, process_title
from .session_auth import page_login_required
from .task_context import with_service_words
from .timeline import Names, timeline
from .words import FieldWords, element_names, process_words, with_sources

bp = Blueprint("instances_pages", __name__)

PER_PAGE = 50
TIMELINE_SHOWN = 12  # the latest entries; the earlier ones fold away, so a long project's page stays short
TASKS_SHOWN = 8


def _services():
    return current_app.extensions["handoff"]


def _visible_instance(session, instance_id: int) -> Instance:
    """The instance, if the viewer takes part in it or manages someone who does; else a 404 page."""
    instance = session.get(Instance, instance_id)
    if instance is None or not visibility.can_see_instance(session, g.user.id, instance):
        abort(404, description=gettext("There is no project or process %(id)s that you can see.", id=instance_id))
    return instance


@bp.get("/projects")
@page_login_required
def projects():
    """Every instance I take part in or manage, newest first, a page at a time, with its stage and open work."""
    now, page = utcnow(), max(1, min(request.args.get("page", 1, type=int), 10**6))
    with _services().sessions() as session:
        statement = select(Instance).order_by(Instance.id.desc())
        visible = visibility.visible_instances(session, g.user.id)
        if visible is not None:
            statement = statement.where(visible)
        rows = session.scalars(statement.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
        shown = rows[:PER_PAGE]
        open_tasks = session.execute(select(Task.instance_id, Task.due_at).where(
            Task.status == "open", Task.instance_id.in_([i.id for i in shown]))).all() if shown else []
        customers = dict(session.execute(select(Customer.id, Customer.name)).all())
    counts: dict[int, list[int]] = {}
    for instance_id, due in open_tasks:
        entry = counts.setdefault(instance_id, [0, 0])
        entry[0] += 1
        entry[1] += bool(due and due < now)
    return render_template("projects.html", instances=shown, counts=counts, customers=customers, page=page,
                           more=len(rows) > PER_PAGE)


@bp.get("/instances/<int(max=9223372036854775807):instance_id>")
@page_login_required
def instance_page(instance_id: int):
    services, now = _services(), utcnow()
    with services.sessions() as session:
        instance = _visible_instance(session, instance_id)
        names = dict(session.execute(select(User.id, User.display_name)).all())
        events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                 .order_by(AuditEvent.id.desc()).limit(300)).all()
        tasks = session.scalars(select(Task).where(Task.instance_id == instance_id).order_by(Task.id)).all()
        timers = pending_timers(services.engine.restore(instance.state)) if instance.status == "running" else []
        waiting = waits.of_instance(session, instance_id) if instance.status == "running" else []
        checks = signatures.verify(session, services.signer, instance_id, instance.data)
        documents = session.scalars(select(Document).where(Document.instance_id == instance_id)
                                    .order_by(Document.id)).all()
        customer = session.get(Customer, instance.customer_id) if instance.customer_id else None
        may_release = instance.frozen and bool(freezing.may_release(session, g.user.id, instance))
        frozen_event = next((e for e in events if e.kind == "instance_frozen"), None) if instance.frozen else None
        rebind = (frozen_event.data.get("rebind") or {}) if frozen_event else {}
        actions = _actions(session, services, instance)
        usernames = dict(session.execute(select(User.username, User.display_name)).all())
        parsed = services.library.get(instance.process_version.content_hash)
        elements = element_names(parsed)
        parsed_words = process_words(parsed)
        words = with_sources(with_service_words(parsed_words),
                             lambda source: SOURCES.get(source, lambda _s, _u: [])(session, g.user.id))
        _name_sent_to(words, instance.data or {}, elements)
        entries = timeline(events, Names(names, usernames, elements, words,
                                         process_title(instance.process_version)))
        ordered = sorted(tasks, key=lambda t: (t.status != "open", -t.id))
        data = instance.data or {}
        described = {k: v for k, v in data.items() if k in parsed_words.fields}  # the service's own fold away
        return render_template("instance.html", instance=instance, entries=entries, tasks=ordered, timers=timers,
                               waiting=waiting, checks=checks, documents=documents, customer=customer, names=names,
                               usernames=usernames, elements=elements, now=now, timeline_shown=TIMELINE_SHOWN,
                               tasks_shown=TASKS_SHOWN, version=instance.process_version.version,
                               may_release=may_release, rebind=rebind, actions=actions, words=words,
                               described=described, other={k: v for k, v in data.items() if k not in described},
                               document_names={d.id: d.filename for d in documents})


def _name_sent_to(words: FieldWords, data: dict, elements: dict[str, str]) -> None:
    """``<element>_sent_to`` (whom a notify step told, `flows.operators.messaging`) reads as a sentence."""
    for key in data:
        element = key.removesuffix("_sent_to")
        if key.endswith("_sent_to") and key not in words.fields:
            name = elements.get(element) or element.replace("_", " ")
            words.fields[key] = FieldWords(title=gettext("“%(element)s” was sent to", element=name))


ACTIONS_BY_STATUS = {"running": ("suspend", "cancel"), "error": ("cancel",), "suspended": ("resume", "cancel")}


def _actions(session, services, instance: Instance) -> list[str]:
    """The actions of the Actions panel this viewer may take on the instance as it is now."""
    return [action for action in ACTIONS_BY_STATUS.get(instance.status, ())
            if operation_rules.allowed(session, services, g.user.id, instance, action)]


@bp.get("/instances/<int(max=9223372036854775807):instance_id>/signatures")
@page_login_required
def signatures_page(instance_id: int):
    """Whether the signatures on this project still hold, and if not, why (R2)."""
    services = _services()
    with services.sessions() as session:
        instance = _visible_instance(session, instance_id)
        checks = signatures.verify(session, services.signer, instance_id, instance.data)
        customer = session.get(Customer, instance.customer_id) if instance.customer_id else None
        usernames = dict(session.execute(select(User.username, User.display_name)).all())
        words = process_words(services.library.get(instance.process_version.content_hash))
        return render_template("signatures.html", instance=instance, customer=customer, checks=checks,
                               broken=[c for c in checks if not c.valid], usernames=usernames, words=words)


@bp.get("/start")
@page_login_required
def start_list():
    """Every deployed process: those I may start first, then who may start the others (their start lanes)."""
    services = _services()
    with services.sessions() as session:
        groups = visibility.groups_of(session, g.user.id)
        choices = guide.start_choices(services, session, g.user.id, groups, utcnow())
        return render_template("start_list.html", choices=choices)


@bp.get("/start/<process_id>")
@page_login_required
def start(process_id: str):
    services = _services()
    with services.sessions() as session:
        version = queries.latest_version(session, process_id)
        if version is None:
            abort(404, description=gettext("No process “%(process)s” is deployed.", process=process_id))
        try:
            parsed = versions.load(services, version)
        except VersionUnusable as unusable:
            abort(409, description=render(unusable.text, current_locale()))
        allowed = parsed.start_lane is None or parsed.start_lane in visibility.groups_of(session, g.user.id)
        form = with_choices(session, localized_form(parsed, parsed.start_form_key, parsed.forms.get(
            parsed.start_form_key) if parsed.start_form_key else None), g.user.id)
        return render_template("start.html", version=version, form=form or {"type": "object", "properties": {}},
                               allowed=allowed, lane=parsed.start_lane,
                               lane_title=guide.group_title(parsed.start_lane) if parsed.start_lane else None,
                               title=process_title(version))
