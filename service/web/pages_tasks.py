"""My tasks (mine, my groups', my tree's overdue, frozen projects waiting on me, what I completed) and the task
page with its form, sealed sections and signatures; a completed task shows its answers, read-only."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from service.clock import utcnow
from service.flows import org, recipients, signatures, visibility
from service.flows.answers import answers
from service.flows.names import split_names
from service.store.models import AuditEvent, Customer, Document, Instance, Task, User

from .choices import with_choices
from .guide import group_title, work_for
from .process_i18n import localized_form
from .session_auth import page_login_required
from .task_context import context_of, shown_keys
from .words import process_words

bp = Blueprint("tasks_pages", __name__)
DONE_PER_PAGE = 50


def _services():
    return current_app.extensions["handoff"]


def _rows(session, tasks: list[Task], now) -> list[dict]:
    """Each task with what a person scans for: which project, whose, when due, late or not."""
    instances = {i.id: i for i in session.scalars(select(Instance).where(
        Instance.id.in_({t.instance_id for t in tasks})))} if tasks else {}
    people = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({t.assignee_id for t in tasks if t.assignee_id}))).all()) if tasks else {}
    return [{"task": t, "instance": instances.get(t.instance_id), "assignee": people.get(t.assignee_id),
             "overdue": t.due_at is not None and t.due_at < now}
            for t in sorted(tasks, key=lambda t: (t.due_at is None, t.due_at or now, t.id))]


@bp.get("/")
def home():
    return redirect(url_for("tasks_pages.my_tasks"))


@bp.get("/tasks")
@page_login_required
def my_tasks():
    services, now = _services(), utcnow()
    with services.sessions() as session:
        lists = {scope: _rows(session, visibility.task_lists(session, g.user.id, scope, now), now)
                 for scope in ("mine", "groups")}
        tree = org.reporting_tree(session, g.user.id)
        if tree:
            lists["team"] = [row for row in _rows(session, visibility.task_lists(session, g.user.id, "overdue", now),
                                                  now) if row["task"].assignee_id != g.user.id]
        groups = visibility.groups_of(session, g.user.id)
        waiting = _frozen_rows(session, visibility.waiting_for_release(session, g.user.id, groups))
        guide = work_for(services, session, groups) if not (lists["mine"] and lists["groups"]) else []
        return render_template("tasks.html", lists=lists, waiting=waiting, guide=guide,
                               group_titles=[group_title(name) for name in groups])


def _frozen_rows(session, frozen: list[Instance]) -> list[dict]:
    """A frozen project waiting on the person's group: which, why, since when (the freeze's log entry)."""
    customers = dict(session.execute(select(Customer.id, Customer.name).where(
        Customer.id.in_({i.customer_id for i in frozen if i.customer_id}))).all()) if frozen else {}
    since = dict(session.execute(select(AuditEvent.instance_id, func.max(AuditEvent.at)).where(
        AuditEvent.instance_id.in_([i.id for i in frozen]), AuditEvent.kind == "instance_frozen")
        .group_by(AuditEvent.instance_id)).all()) if frozen else {}
    return [{"instance": i, "customer": customers.get(i.customer_id) or i.data.get("customer"),
             "since": since.get(i.id)} for i in frozen]


@bp.get("/tasks/done")
@page_login_required
def done_by_me():
    """The tasks I completed, newest first, a page at a time: each opens read-only with its answers."""
    page = max(1, min(request.args.get("page", 1, type=int), 10**6))
    with _services().sessions() as session:
        done = visibility.done_by(session, g.user.id, page, DONE_PER_PAGE)
        instances = {i.id: i for i in session.scalars(select(Instance).where(
            Instance.id.in_({t.instance_id for t in done})))} if done else {}
        rows = [{"task": t, "instance": instances.get(t.instance_id)} for t in done[:DONE_PER_PAGE]]
        return render_template("tasks_done.html", rows=rows, page=page, more=len(done) > DONE_PER_PAGE)


@bp.get("/tasks/<int(max=9223372036854775807):task_id>")
@page_login_required
def task_page(task_id: int):
    services, now = _services(), utcnow()
    with services.sessions() as session:
        task = session.get(Task, task_id)
        if task is None or not visibility.can_see_task(session, g.user.id, task):
            abort(404, description=gettext("There is no task %(id)s that you can see.", id=task_id))
        instance = session.get(Instance, task.instance_id)
        parsed = services.library.get(instance.process_version.content_hash)
        info = parsed.user_tasks.get(task.element_id)
        signs = split_names((info.properties if info else {}).get("signs"))
        sealed = {key: instance.data.get(key) for key in (instance.sealed or []) if key in instance.data}
        checks = signatures.verify(session, services.signer, instance.id, instance.data) if signs or sealed else []
        customer = session.get(Customer, instance.customer_id) if instance.customer_id else None
        assignee = session.get(User, task.assignee_id) if task.assignee_id else None
        may_claim = (task.status == "open" and task.assignee_id is None
                     and bool(set(task.groups) & set(visibility.groups_of(session, g.user.id))))
        reassign_to = _reassign_choices(session, task) if task.status == "open" else []
        may_see_instance = visibility.can_see_instance(session, g.user.id, instance)
        readable = visibility.can_read_task(session, g.user.id, task)
        if not readable:  # a colleague who only knows of the task: its name and holder, not the project's data (R6)
            sealed, signs, checks = {}, [], []
        shown = context_of(session, shown_keys(info.properties if info else {}), instance.data, process_words(parsed),
                           instance.id, g.user.id) if readable else []
        form = with_choices(session, localized_form(parsed, info.form_key if info else None,
                                                    parsed.form_for(task.element_id)), g.user.id) if readable else None
        answered = answers(services, instance, task, form) if task.status == "completed" and readable else None
        completer = session.get(User, task.completed_by) if task.completed_by else None
        # the form shows an attached document by its file name, never its number
        documents = dict(session.execute(select(Document.id, Document.filename)
                                         .where(Document.instance_id == instance.id)).all())
        return render_template(
            "task.html", task=task, instance=instance, customer=customer, assignee=assignee,
            form=form, answers=answered, completer=completer,
            may_see_instance=may_see_instance, readable=readable,
            sealed=sealed, signs=signs, checks=checks,
            signed_content={key: instance.data.get(key) for key in signs}, may_claim=may_claim,
            mine=task.assignee_id == g.user.id and task.status == "open", reassign_to=reassign_to,
            overdue=task.status == "open" and task.due_at is not None and task.due_at < now,
            words=process_words(parsed), shown=shown, documents=documents,
            signer_names=dict(session.execute(select(User.username, User.display_name)).all()) if checks else {})



def _reassign_choices(session, task: Task) -> list[User]:
    """For a manager above the holder (or the group, if unclaimed): the group's members and the manager's team (R9).

    The flow decides; this only spares a manager a list of names the server would refuse.
    """
    members = {u.id for group in task.groups for u in recipients.group_members(session, group)}
    team = org.reporting_tree(session, g.user.id)
    if not team.intersection([task.assignee_id] if task.assignee_id else members):
        return []
    people = session.scalars(select(User).where(User.id.in_(team | members), User.active.is_(True))
                             .order_by(User.display_name))
    return [p for p in people if p.id != task.assignee_id]
