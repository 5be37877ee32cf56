"""What callers see while a backing service is down (issue 13, item 9).

The database down: every call answers 503 ``service_unavailable`` with ``Retry-After`` and
a readable page for people, never a 500 (a real PostgreSQL client meets a port nobody
listens on). Redis down: calls that need only the database still work; a completion that
committed answers 200 although its alarm could not be set, and the sweeper sets it later.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from service import runtime
from service.api.auth import issue_token
from service.app import create_app
from service.config import Config
from service.demo import seed_people
from service.jobs.sweeper import sweep
from service.queues import wake_job_id
from service.redis_conn import connect
from service.store.models import User
from service.store.outage import database_unavailable
from tests.ops.conftest import deploy_ops
from tests.support import closed_port, instance

PASSWORD = "outage-pw-1"


@pytest.fixture
def no_database(config, redis_client):
    """An app whose DATABASE_URL names a PostgreSQL that is not running."""
    down = Config(database_url=f"postgresql://handoff@127.0.0.1:{closed_port()}/handoff", redis_url=config.redis_url,
                  data_dir=config.data_dir, queue_prefix=config.queue_prefix)
    services = runtime.build(down, redis_client)
    app = create_app(down, services)
    yield app
    services.db_engine.dispose()


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "5"


def test_every_api_call_answers_503_with_retry_after_while_the_database_is_down(no_database):
    client = no_database.test_client()
    login = client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD})
    assert_unavailable(login)
    assert login.json["code"] == "service_unavailable" and "try again" in login.json["message"]

    with no_database.app_context():
        token = issue_token(User(id=1, password_hash="x"))  # well signed: only the database can say who it is
    bearer = {"Authorization": f"Bearer {token}"}
    for method, path in [("GET", "/api/v1/tasks?scope=mine"), ("GET", "/api/v1/instances"),
                         ("POST", "/api/v1/tasks/1/complete"), ("GET", "/api/v1/customers")]:
        response = client.open(path, method=method, headers=bearer, json={"data": {}, "version": 1})
        assert_unavailable(response)
        assert response.json["code"] == "service_unavailable"


def test_a_page_says_back_in_a_moment_while_the_database_is_down(no_database):
    client = no_database.test_client()
    with no_database.app_context():
        token = issue_token(User(id=1, password_hash="x"))
    with client.session_transaction() as session:
        session["token"] = token
    page = client.get("/tasks", headers={"Accept": "text/html"})
    assert_unavailable(page)
    assert page.mimetype == "text/html" and "Back in a moment" in page.get_data(as_text=True)


def test_a_locked_sqlite_database_is_unavailable_and_a_missing_table_is_a_bug(tmp_path):
    path = tmp_path / "locked.db"
    holder = create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with holder.connect() as held:
        held.execute(text("CREATE TABLE t (x INTEGER)"))
        held.execute(text("BEGIN EXCLUSIVE"))
        with pytest.raises(Exception) as locked, impatient.connect() as connection:
            connection.execute(text("SELECT * FROM t"))
        held.execute(text("ROLLBACK"))
    with pytest.raises(Exception) as missing, impatient.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert database_unavailable(locked.value), locked.value
    assert not database_unavailable(missing.value)
    holder.dispose()
    impatient.dispose()


def test_with_redis_down_a_completion_commits_answers_200_and_the_sweeper_sets_its_alarm_later(services, config):
    deploy_ops(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    gone = connect(f"redis://127.0.0.1:{closed_port()}/0")  # the service's own client options
    without_redis = runtime.build(config, gone)
    began = time.monotonic()
    try:
        client = create_app(config, without_redis).test_client()
        login = client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD})
        assert login.status_code == 200, login.json
        rep = {"Authorization": f"Bearer {login.json['token']}"}
        started = client.post("/api/v1/processes/quick_handoff/instances", headers=rep,
                              json={"data": {"wait_for": "PT1M"}})
        assert started.status_code == 201, started.json
        [task] = [t for t in client.get("/api/v1/tasks?scope=groups", headers=rep).json
                  if t["instance_id"] == started.json["id"]]
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=rep, json={}).status_code == 200
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                           json={"data": {"notes": "ready"}, "version": task["version"] + 1})
        assert done.status_code == 200, done.json
        assert client.get(f"/api/v1/instances/{started.json['id']}", headers=rep).status_code == 200
        assert time.monotonic() - began < 10  # redis-py's default retries made these six calls take 33 s
    finally:
        without_redis.db_engine.dispose()

    row = instance(services, started.json["id"])
    assert row.next_wakeup_at is not None  # the database knows the alarm Redis never heard of
    job_key = f"rq:job:{wake_job_id(row.id, row.next_wakeup_at)}"
    assert not services.redis.exists(job_key)
    assert sweep(services).scheduled == 1 and services.redis.exists(job_key)
