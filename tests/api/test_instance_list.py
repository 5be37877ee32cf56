"""The instance list reads a page in a constant number of SQL statements (issue 13, item 7).

It used to open a session and check visibility per row (726 rows took 6.9 s for a sales
manager); now visibility is one SQL condition and the page's open tasks one more query.
A SQLAlchemy event listener counts the statements the request sends (observing, not mocking).
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from sqlalchemy import event, select

from service.clock import utcnow
from service.store.models import Instance, ProcessVersion, Task


def seed_instances(services, people: dict[str, int], n: int) -> None:
    """`n` projects, every other one started by the rep and the rest by rep2, each with an open task."""
    now = utcnow()
    with services.sessions() as session:
        lifecycle = select(ProcessVersion).where(ProcessVersion.process_id == "project_lifecycle")
        version = session.scalars(lifecycle).first()
        rows = [Instance(process_version_id=version.id, process_id="project_lifecycle", status="running", state="",
                         data={"customer": f"Customer {i}"}, started_at=now, updated_at=now, stage="Opportunity",
                         started_by=people["rep" if i % 2 else "rep2"]) for i in range(n)]
        session.add_all(rows)
        session.flush()
        session.add_all([Task(instance_id=row.id, engine_task_id=str(uuid.uuid4()), element_id="opportunity",
                              name="Describe the won opportunity", candidate_group="sales", status="open",
                              assignee_id=row.started_by, created_at=now) for row in rows])
        session.commit()


@contextmanager
def counted(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_of_200_instances_costs_a_constant_number_of_statements(api, services):
    seed_instances(services, api.people, 230)
    manager = api.login("sales_mgr")
    assert api.client.get("/api/v1/instances?per_page=5", headers=manager).status_code == 200  # caches warm
    counts = {}
    for per_page in (1, 20, 200):
        with counted(services.db_engine) as statements:
            page = api.client.get(f"/api/v1/instances?per_page={per_page}", headers=manager)
        assert page.status_code == 200 and len(page.json) == per_page
        counts[per_page] = len(statements)
    # the viewer's groups, one per level of their reporting tree (two here, the last finding nobody),
    # the page, its open tasks: the same for 1 row as for 200
    assert counts[200] == counts[20] == counts[1] <= 6, counts
    assert all(len(i["open_tasks"]) == 1 for i in page.json)
    ids = [i["id"] for i in page.json]
    assert ids == sorted(ids, reverse=True)


def test_the_list_shows_exactly_what_each_viewer_may_see(api, services):
    seed_instances(services, api.people, 30)
    mine = api.client.get("/api/v1/instances?per_page=200", headers=api.login("rep")).json
    with services.sessions() as session:
        started = set(session.scalars(select(Instance.id).where(Instance.started_by == api.people["rep"])))
    assert {i["id"] for i in mine} == started and len(started) == 15
    assert len(api.client.get("/api/v1/instances?per_page=200", headers=api.login("vp")).json) == 30  # two levels
    assert api.client.get("/api/v1/instances?per_page=200", headers=api.login("finance")).json == []
    assert len(api.client.get("/api/v1/instances?per_page=200&page=2", headers=api.login("admin")).json) == 0
