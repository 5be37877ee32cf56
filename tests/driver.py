"""A simple user driving one fixture diagram from start to end through the flows (issue 9.7).

Deploy the file alone (with the DMN files of its folder and the fixture layout's forms), then for
each process: start it with data its start form accepts, and loop: claim and complete the open
tasks with data their forms accept, deliver the messages and signals it waits for, move the clock
past the next due timer and fire it as the sweeper's job does, until the instance completes. A
process whose only start is a message or signal start is started the way a partner system would:
the correlation or the signal broadcast behind POST /api/v1/correlations and /signals. Every run
ends in one `Outcome`; the test decides which outcomes are failures.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from service.engine.bundle import BPMN_SUFFIXES, FORMS_PREFIX, process_sources
from service.engine.messages import MESSAGE, _definitions, kind_of, start_events
from service.engine.validate import validate_files
from service.flows import events, instances, timers, versions, waits
from service.flows.deploy import deploy
from service.flows.errors import DeployInvalid, FlowError, Forbidden, FormInvalid
from service.store import queries
from service.store.models import Group, Instance, Membership, User
from tests.form_data import sample
from tests.support import FIXTURES, open_tasks

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MAX_STEPS = 200
MAX_SECONDS = 20
CONTAINERS = {"SubWorkflowTask", "CallActivity", "SubProcess", "TransactionSubprocess", "_BoundaryEventParent",
              "BoundaryEventSplit", "BoundaryEventJoin", "StartTask", "BpmnStartTask", "Simple", "_EndJoin"}


@dataclass
class Outcome:
    """How one process of one file ended: refused | deploy_refused | completed | failed | stuck | crash | bound."""

    file: str
    kind: str
    process_id: str = "-"
    detail: str = ""
    steps: int = 0
    waits: list[str] = field(default_factory=list)  # the element types it was stuck on

    def as_dict(self) -> dict:
        return asdict(self)


class DriverTimeout(Exception):
    """The file took longer than MAX_SECONDS: the engine (or the driver's loop) does not end."""


def fixture_files(root: Path = FIXTURES) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(BPMN_SUFFIXES))


def files_for(path: Path) -> dict[str, str]:
    """The file alone, the DMN tables beside it, and the forms of the fixture layout it lives in."""
    files = {f"bpmn/{path.name}": path.read_text(encoding="utf-8")}
    for dmn in sorted(path.parent.glob("*.dmn")):
        files[f"bpmn/{dmn.name}"] = dmn.read_text(encoding="utf-8")
    if (path.parent / "calendars.json").is_file():
        files["bpmn/calendars.json"] = (path.parent / "calendars.json").read_text(encoding="utf-8")
    for folder in (path.parent, path.parent.parent):
        forms = folder / "forms"
        if forms.is_dir() and folder.is_relative_to(FIXTURES):
            for form in sorted(forms.rglob("*.json")):
                files[FORMS_PREFIX + form.relative_to(forms).as_posix()] = form.read_text(encoding="utf-8")
            break
    return files


@contextmanager
def deadline(seconds: float):
    def expire(_signum, _frame):
        raise DriverTimeout(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def drive(services, path: Path) -> list[Outcome]:
    """Every process of the file, driven to its end (or to the reason it did not get there)."""
    name = path.relative_to(FIXTURES).as_posix()
    try:
        files = files_for(path)
    except UnicodeDecodeError:
        return [Outcome(name, "refused", detail="not UTF-8 text")]
    forms = {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}
    with deadline(MAX_SECONDS), freeze_time(T0) as clock:
        try:
            problems = validate_files(process_sources(files), forms)
            if problems:
                return [Outcome(name, "refused", detail=f"{len(problems)} problem(s); first: {problems[0]}")]
            try:
                deployed = deploy(services, files, "driver")
            except DeployInvalid as refused:
                return [Outcome(name, "deploy_refused", detail=str(refused.problems[0]))]
            if not deployed:
                return [Outcome(name, "refused", detail="no executable process")]
            driver = _person(services, "driver")
            return [_run(services, clock, name, d.process_id, driver) for d in deployed]
        except DriverTimeout as late:
            return [Outcome(name, "bound", detail=str(late))]
        except FlowError as error:
            return [Outcome(name, "failed", detail=f"{type(error).__name__}: {error.message}")]
        except Exception as error:  # noqa: BLE001 - what a user would see as a 500
            return [Outcome(name, "crash", detail=f"{type(error).__name__}: {error}")]


def _run(services, clock, name: str, process_id: str, driver: int) -> Outcome:
    delivered: dict[str, int] = {}
    try:
        with services.sessions() as session:
            parsed = versions.load(services, queries.latest_version(session, process_id))
        _join(services, driver, parsed.start_lane)
        for info in parsed.user_tasks.values():  # the people a diagram assigns by name exist, as they would
            named = str(info.properties.get("assignee") or "")
            if named and not any(mark in named for mark in "${}#"):
                _person(services, named)
        data = sample(parsed.forms.get(parsed.start_form_key)) if parsed.start_form_key else {}
        instance_id = _start(services, parsed, process_id, data, driver)
        for step in range(MAX_STEPS):
            row = _instance(services, instance_id)
            if row.status == "completed":
                return Outcome(name, "completed", process_id, steps=step)
            if row.status != "running":
                return Outcome(name, "failed", process_id, f"instance {row.status}: {row.error}", step)
            tasks = open_tasks(services, instance_id)
            if tasks:
                if not _do(services, parsed, tasks[0], driver):
                    return Outcome(name, "stuck", process_id, f"nobody can claim task {tasks[0].element_id}",
                                   step, ["UserTask (no group)"])
                continue
            awaited = waits.waiting_names(services, instance_id)
            if awaited:
                kind, event = min(awaited, key=lambda n: delivered.get(n, 0))  # a loop back gets the other answer
                delivered[(kind, event)] = delivered.get((kind, event), 0) + 1
                try:
                    events.deliver(services, instance_id, kind, event, _payload(services, row, kind, event),
                                   actor_id=driver)
                except FlowError as refused:  # it waits for what nobody can deliver: as stuck as waiting for nothing
                    held = _waiting_elements(services, row)
                    return Outcome(name, "stuck", process_id, f"waits for {kind} {event!r}, delivering it is refused "
                                   f"({refused.message}): " + ", ".join(held), step, [w.split(" ")[0] for w in held])
                continue
            if row.next_wakeup_at is not None:
                clock.move_to(max(row.next_wakeup_at, services.clock()) + timedelta(seconds=1))
                timers.fire_due_timers(services, instance_id)
                continue
            held = _waiting_elements(services, row)
            return Outcome(name, "stuck", process_id, "no open task, no timer, nothing awaited: " + ", ".join(held),
                           step, [w.split(" ")[0] for w in held])
        return Outcome(name, "bound", process_id, f"not completed after {MAX_STEPS} steps", MAX_STEPS)
    except FormInvalid as error:
        return Outcome(name, "crash", process_id, f"the driver's form data was refused: {error.message} "
                                                  f"{getattr(error, 'errors', '')}")
    except FlowError as error:
        return Outcome(name, "failed", process_id, f"{type(error).__name__}: {error.message}")


def _do(services, parsed, task, driver: int) -> bool:
    """Claims (joining the task's group, as a member would be) and completes it; False if nobody could."""
    actor = task.assignee_id
    if actor is None:
        if task.candidate_group is None:
            return False
        _join(services, driver, task.candidate_group)
        try:
            instances.claim_task(services, task.id, driver)
        except Forbidden:
            return False
        actor = driver
    instances.complete_task(services, task.id, actor, sample(parsed.form_for(task.element_id)))
    return True


def _start(services, parsed, process_id: str, data: dict, driver: int) -> int:
    """Starts one instance: as a person when the process has a none start, else as a partner system would,
    by the first message (a correlation) or signal (a broadcast) its start events catch."""
    by_event = start_events(parsed.spec)
    if len(by_event) < len(parsed.spec.bpmn_start_events):
        return instances.start_process(services, process_id, data, actor_id=driver).instance_id
    first = by_event[0]
    _join(services, driver, "integrations")  # a partner's service account may send messages and signals
    if first.kind == MESSAGE:
        done = events.correlate(services, first.name, events.Correlation(), data, actor_id=driver)
    else:
        done = events.broadcast(services, first.name, data, actor_id=driver)
    mine = [i for i in done.started if _instance(services, i).process_id == process_id]  # a signal starts them all
    if not mine:
        raise FlowError(f"{first.kind} {first.name!r} started no instance of {process_id}")
    return mine[0]


def _payload(services, row: Instance, kind: str, name: str) -> dict:
    """What a partner sends with the message: each correlation property it carries (a plain name in its
    retrieval expression), with the instance's value of that name when it has one."""
    if kind != MESSAGE:
        return {}
    payload = {}
    for task in services.engine.restore(row.state).event_manager.tasks.values():
        for _element, definition in _definitions(task.task_spec):
            if kind_of(definition) == MESSAGE and definition.name == name:
                for prop in getattr(definition, "correlation_properties", []):
                    key = (prop.retrieval_expression or "").strip()
                    if key.isidentifier():
                        payload[key] = (row.data or {}).get(key, "driver")
    return payload


def _waiting_elements(services, row: Instance) -> list[str]:
    """What the engine holds open, innermost first: the element types a stuck instance waits on."""
    found, containers = [], []
    workflow = services.engine.restore(row.state)
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        spec = task.task_spec
        kind = type(spec).__name__
        definition = getattr(spec, "event_definition", None)
        if definition is not None:
            kind += f"({type(definition).__name__})"
        label = f"{kind} {getattr(spec, 'bpmn_id', None) or spec.name}"
        (containers if type(spec).__name__ in CONTAINERS else found).append(label)
    return found + containers or ["nothing active"]


def _person(services, username: str) -> int:
    with services.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = User(username=username, display_name="Fixture driver", created_at=services.clock())
            session.add(user)
            session.commit()
        return user.id


def _join(services, user_id: int, group_name: str | None) -> None:
    if not group_name:
        return
    with services.sessions() as session:
        group = session.scalars(select(Group).where(Group.name == group_name)).first()
        if group is None:
            group = Group(name=group_name)
            session.add(group)
            session.flush()
        if session.get(Membership, (user_id, group.id)) is None:
            session.add(Membership(user_id=user_id, group_id=group.id))
        session.commit()


def _instance(services, instance_id: int) -> Instance:
    with services.sessions() as session:
        return session.get(Instance, instance_id)
