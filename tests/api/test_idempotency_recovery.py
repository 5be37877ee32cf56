"""An Idempotency-Key whose answer was never stored is resolved, not 409 for ever (issue 13, item 7).

The database really goes away at the step named: on PostgreSQL the request's own backend is
terminated (`pg_terminate_backend`) just before its next statement, so the driver meets a dead
connection; on SQLite, where nothing can be killed, the driver's own OperationalError is raised
at that statement. Nothing of SQLAlchemy is replaced: an event listener acts on the real engine.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import event, select, text

from service.api import idempotency
from service.api import tasks as task_routes
from service.clock import utcnow
from service.flows import instances as flows
from service.flows.errors import Conflict
from service.store.db import make_engine
from service.store.models import AuditEvent, IdempotencyKey, Instance, Task
from tests.api.test_tasks_api import OPPORTUNITY, tasks
from tests.support import count


@contextmanager
def database_lost(services):
    """While inside, every statement of the service's engine fails as on a lost database connection."""
    engine = services.db_engine
    killer = make_engine(services.config.database_url) if engine.dialect.name == "postgresql" else None

    def lose(conn, cursor, statement, parameters, context, executemany):
        if killer is None:
            raise engine.dialect.loaded_dbapi.OperationalError("disk I/O error: the database went away")
        pid = conn.connection.dbapi_connection.info.backend_pid
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", lose)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", lose)
        if killer is not None:
            killer.dispose()


def break_step(monkeypatch, services, target, name):
    """`target.name` runs for real, but with the database gone under it."""
    real = getattr(target, name)

    def broken(*args, **kwargs):
        with database_lost(services):
            return real(*args, **kwargs)

    monkeypatch.setattr(target, name, broken)
    return lambda: monkeypatch.setattr(target, name, real)


def completion(api, task, key):
    headers = {**api.login("rep"), "Idempotency-Key": key}
    body = {"data": {**OPPORTUNITY, "customer_id": api.customer_id}, "version": task["version"]}
    return api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, json=body)


def test_a_completion_that_committed_before_its_answer_was_lost_is_replayed_not_repeated(api, services,
                                                                                         monkeypatch):
    api.start_project()
    [task] = tasks(api, "rep")
    restore = break_step(monkeypatch, services, idempotency, "_remember")  # the work commits, the answer does not
    lost = completion(api, task, "complete-after-outage")
    restore()
    assert lost.status_code >= 500
    with services.sessions() as session:
        stored = session.get(Task, task["id"])
        assert stored.status == "completed"  # the work is durable
        row = session.scalars(select(IdempotencyKey)).one()
        assert row.status is None  # and its answer was never stored

    retried = completion(api, task, "complete-after-outage")
    assert retried.status_code == 200, retried.json  # not "still being processed", and not a stale-version 409
    assert retried.json["id"] == task["id"] and retried.json["status"] == "completed"
    assert retried.json["version"] == task["version"] + 1
    assert count(services, AuditEvent, AuditEvent.kind == "task_completed", AuditEvent.task_id == task["id"]) == 1
    assert completion(api, task, "complete-after-outage").json == retried.json  # from now on, the stored answer


def test_a_start_that_committed_before_its_answer_was_lost_is_replayed_not_repeated(api, services, monkeypatch):
    headers = {**api.login("rep"), "Idempotency-Key": "start-after-outage"}
    body = {"data": {"customer_id": api.customer_id, "customer": "ACME Education"}}
    restore = break_step(monkeypatch, services, idempotency, "_remember")
    lost = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=headers, json=body)
    restore()
    assert lost.status_code >= 500
    retried = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=headers, json=body)
    assert retried.status_code == 201, retried.json
    with services.sessions() as session:
        assert list(session.scalars(select(Instance.id))) == [retried.json["id"]]  # one project, not two


def test_a_reservation_whose_work_never_committed_expires_and_the_retry_acts_once(api, services, monkeypatch):
    with freeze_time(utcnow()) as clock:
        api.start_project()
        [task] = tasks(api, "rep")
        # The database goes away as the completion starts: nothing commits, the reservation cannot be cleared.
        restore_flow = break_step(monkeypatch, services, task_routes.flows, "complete_task")
        restore_forget = break_step(monkeypatch, services, idempotency, "_forget")
        lost = completion(api, task, "complete-before-outage")
        restore_flow()
        restore_forget()
        assert lost.status_code >= 500
        assert count(services, IdempotencyKey) == 1

        soon = completion(api, task, "complete-before-outage")  # it might still be running: wait
        assert soon.status_code == 409 and int(soon.headers["Retry-After"]) >= 1
        assert "still being processed" in soon.json["message"]

        clock.tick(timedelta(seconds=services.config.idempotency_abandon_after_s + 1))
        retried = completion(api, task, "complete-before-outage")
        assert retried.status_code == 200, retried.json
        assert retried.json["status"] == "completed"
        assert completion(api, task, "complete-before-outage").json == retried.json
    assert count(services, AuditEvent, AuditEvent.kind == "task_completed", AuditEvent.task_id == task["id"]) == 1


def test_a_request_slower_than_the_bound_whose_reservation_was_taken_over_commits_nothing(api, services):
    """The first request, still running after its retry took over, must not act a second time."""
    api.start_project()
    [task] = tasks(api, "rep")
    with services.sessions() as session:  # a reservation a retry has since cleared as abandoned
        row = IdempotencyKey(user_id=api.people["rep"], key="slow", fingerprint="x", created_at=utcnow())
        session.add(row)
        session.commit()
        gone = row.id
        session.delete(row)
        session.commit()
    try:
        flows.complete_task(services, task["id"], api.people["rep"], {**OPPORTUNITY, "customer_id": api.customer_id},
                            request_key=gone)
        raise AssertionError("the late request committed")
    except Conflict as refused:
        assert "took over" in refused.message
    with services.sessions() as session:
        assert session.get(Task, task["id"]).status == "open"
