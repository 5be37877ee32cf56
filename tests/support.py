"""Helpers the tests share: deploy fixtures, seed people, run RQ jobs in-process, read the log."""

from __future__ import annotations

import time
from pathlib import Path

from rq import SimpleWorker
from sqlalchemy import func, select

from service.demo import seed_people
from service.engine.bundle import read_tree
from service.flows.deploy import deploy
from service.jobs.dispatcher import TimerDispatcher
from service.store.models import AuditEvent, Instance, Message, Task

FIXTURES = Path(__file__).parent / "fixtures"


def deploy_fixtures(services, root: Path = FIXTURES):
    return deploy(services, read_tree(root), "tests")


def seed(services) -> dict[str, int]:
    with services.sessions() as session:
        users = seed_people(session)
        session.commit()
        return {name: user.id for name, user in users.items()}


def run_jobs(services) -> int:
    """Rings due alarms at the current (possibly frozen) time and runs the jobs with a real RQ worker.

    The worker runs in this process, so freezegun's clock applies to the jobs too.
    """
    config = services.config
    queues = [config.timer_queue, config.outbox_queue]
    moved = TimerDispatcher(services.redis, queues).dispatch_due(time.time())
    worker = SimpleWorker(queues, connection=services.redis)
    worker.work(burst=True, with_scheduler=False)
    return moved


def events(services, kind: str, instance_id: int | None = None) -> list[AuditEvent]:
    with services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.kind == kind)
        if instance_id is not None:
            query = query.where(AuditEvent.instance_id == instance_id)
        return list(session.scalars(query.order_by(AuditEvent.id)))


def open_tasks(services, instance_id: int) -> list[Task]:
    with services.sessions() as session:
        query = select(Task).where(Task.instance_id == instance_id, Task.status == "open").order_by(Task.id)
        return list(session.scalars(query))


def task_by_element(services, instance_id: int, element_id: str) -> Task:
    with services.sessions() as session:
        query = select(Task).where(Task.instance_id == instance_id, Task.element_id == element_id)
        return session.scalars(query.order_by(Task.id.desc())).first()


def instance(services, instance_id: int) -> Instance:
    with services.sessions() as session:
        return session.get(Instance, instance_id)


def inbox(services, user_id: int) -> list[Message]:
    with services.sessions() as session:
        query = select(Message).where(Message.recipient_id == user_id).order_by(Message.id)
        return list(session.scalars(query))


def count(services, model, *where) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def wait_until(predicate, timeout_s: float = 20.0, poll_s: float = 0.05):
    """Waits for another process to do something (not for time to pass)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"condition not met within {timeout_s}s")


REPO = FIXTURES.parent.parent


def deploy_library(services):
    """Deploys the real process library: bpmn/ and forms/ of the repository."""
    return deploy(services, read_tree(REPO), "tests")


def do_task(services, people: dict[str, int], instance_id: int, element_id: str, username: str, data: dict):
    """Claims (if needed) and completes the open task `element_id` as `username`, like a person would."""
    from service.flows import instances as flows_instances

    task = task_by_element(services, instance_id, element_id)
    assert task is not None and task.status == "open", f"{element_id} is not open: {task and task.status}"
    if task.assignee_id is None:
        flows_instances.claim_task(services, task.id, people[username])
    return flows_instances.complete_task(services, task.id, people[username], data)


def open_elements(services, instance_id: int) -> list[str]:
    return sorted(t.element_id for t in open_tasks(services, instance_id))


def closed_port() -> int:
    """A local port nobody listens on (free when we looked): a server that is down, for real."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
