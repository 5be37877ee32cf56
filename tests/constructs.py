"""What the tests of BPMN constructs share: the diagrams of tests/fixtures/constructs, deployed, and people."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from service.engine.bundle import read_tree
from service.flows import instances
from service.flows.deploy import deploy
from service.store.models import Task
from tests.support import FIXTURES, instance, seed

CONSTRUCTS = FIXTURES / "constructs"


def deploy_constructs(services) -> dict[str, int]:
    deploy(services, read_tree(CONSTRUCTS), "tests")
    return seed(services)


def start(services, people, process_id: str, data: dict | None = None, who: str = "rep") -> int:
    return instances.start_process(services, process_id, data or {}, actor_id=people[who]).instance_id


def rows(services, instance_id: int, element_id: str | None = None, status: str | None = None) -> list[Task]:
    with services.sessions() as session:
        query = select(Task).where(Task.instance_id == instance_id)
        if element_id is not None:
            query = query.where(Task.element_id == element_id)
        if status is not None:
            query = query.where(Task.status == status)
        return list(session.scalars(query.order_by(Task.id)))


def open_elements(services, instance_id: int) -> list[str]:
    return sorted(row.element_id for row in rows(services, instance_id, status="open"))


def complete(services, people, row: Task, who: str, data: dict):
    """Claims and completes one task row as a person would."""
    if row.assignee_id is None:
        instances.claim_task(services, row.id, people[who])
    return instances.complete_task(services, row.id, people[who], data)


def do(services, people, instance_id: int, element_id: str, who: str, data: dict):
    """Completes the one open task of `element_id`."""
    open_rows = rows(services, instance_id, element_id, "open")
    assert len(open_rows) == 1, f"{element_id}: {len(open_rows)} open rows"
    return complete(services, people, open_rows[0], who, data)


def engine_data(services, instance_id: int, row: Task) -> dict:
    """The data the engine holds for an open task (what the task page shows)."""
    workflow = services.engine.restore(instance(services, instance_id).state)
    return dict(workflow.get_task_from_id(UUID(row.engine_task_id)).data)


def status(services, instance_id: int) -> str:
    return instance(services, instance_id).status
