"""People changes take effect at once in every web process, although each keeps copies of people and groups.

Two apps on the same database and Redis stand for two gunicorn workers: each has its own copies
(`service.store.people_cache`) of callers' user rows and of groups' members.
"""

from __future__ import annotations

import socket

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from service import runtime
from service.app import create_app
from service.store.models import User
from tests.support import events

from .test_tasks_api import OPPORTUNITY, tasks

LEGAL = {"username": "legal", "display_name": "Lena Gross (Legal)", "manager": "vp", "groups": ["legal"]}
DELIVERY = {"username": "delivery", "display_name": "Dana Kim (Delivery manager)", "manager": "delivery_head"}
CONTRACT = {"contract_number": "C-1", "contract_amount": 800000, "terms": "net 30", "invoice_type": "receipt"}


@pytest.fixture
def other_worker(api, services):
    """A second web process: its own engine, sessions and copies of people; the same database and Redis."""
    built = runtime.build(services.config, services.redis)
    client = create_app(services.config, built).test_client()
    yield client
    built.db_engine.dispose()


def _contract_submitted(api, client) -> int:
    """A project whose contract the rep submits through `client`: co-signing starts and tells group:delivery."""
    project = api.start_project()
    rep = api.login("rep")
    for data in ({**OPPORTUNITY, "customer_id": api.customer_id}, CONTRACT):
        [task] = [t for t in tasks(api, "rep") if t["instance_id"] == project["id"]]
        assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep, json={"data": data}).status_code == 200
    return project["id"]


def _told(services, instance_id: int) -> list[str]:
    [told] = [e for e in events(services, "notify", instance_id) if e.element_id == "push_service_history"]
    return told.data["recipients"]


def test_a_person_removed_from_a_group_is_no_longer_told_at_once_in_every_process(api, services, other_worker):
    assert _told(services, _contract_submitted(api, other_worker)) == ["delivery_head", "delivery"]

    removed = api.client.post("/api/v1/people", headers=api.login("admin"), json={**DELIVERY, "groups": []})
    assert removed.status_code == 201 and removed.json["groups"] == []

    assert _told(services, _contract_submitted(api, other_worker)) == ["delivery_head"]


def test_a_person_removed_from_a_group_loses_its_work_at_once_in_every_process(api, other_worker):
    _contract_submitted(api, api.client)
    [review] = tasks(api, "legal", "groups")
    legal = api.login("legal")
    assert [t["id"] for t in other_worker.get("/api/v1/tasks?scope=groups", headers=legal).json] == [review["id"]]

    removed = api.client.post("/api/v1/people", headers=api.login("admin"), json={**LEGAL, "groups": []})
    assert removed.status_code == 201 and removed.json["groups"] == []

    assert other_worker.get("/api/v1/tasks?scope=groups", headers=legal).json == []
    assert other_worker.get(f"/api/v1/tasks/{review['id']}", headers=legal).status_code == 404
    assert other_worker.post(f"/api/v1/tasks/{review['id']}/claim", headers=legal, json={}).status_code == 404
    assert other_worker.get("/api/v1/me", headers=legal).json["groups"] == []


def test_deactivating_or_changing_a_password_revokes_tokens_at_once_in_every_process(api, services, other_worker):
    rep, legal = api.login("rep"), api.login("legal")
    assert other_worker.get("/api/v1/me", headers=rep).status_code == 200
    assert other_worker.get("/api/v1/me", headers=legal).status_code == 200

    assert api.client.post("/api/v1/people", headers=api.login("admin"),
                           json={**LEGAL, "active": False}).status_code == 201
    with services.sessions() as session:  # not through the API: any session of the service counts
        session.get(User, api.people["rep"]).password_hash = generate_password_hash("another password")
        session.commit()

    assert other_worker.get("/api/v1/me", headers=legal).status_code == 401
    assert other_worker.get("/api/v1/me", headers=rep).status_code == 401
    assert api.client.get("/api/v1/me", headers=rep).status_code == 401


def test_copies_made_before_redis_lost_its_data_are_not_trusted(api, services, other_worker):
    legal, admin = api.login("legal"), api.login("admin")
    assert other_worker.get("/api/v1/me", headers=legal).status_code == 200
    with services.db_engine.begin() as connection:  # behind the service's back: no change is signalled
        connection.execute(text('UPDATE "user" SET active = false WHERE id = :id'), {"id": api.people["legal"]})
    services.redis.flushdb()
    assert other_worker.get("/api/v1/me", headers=legal).status_code == 401

    services.redis.flushdb()  # lost again, then a change through the service
    assert api.client.post("/api/v1/people", headers=admin, json={**LEGAL, "active": True}).status_code == 201
    assert other_worker.get("/api/v1/me", headers=legal).status_code == 200


def test_without_redis_people_are_read_from_the_database(api, services):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    built = runtime.build(services.config, unreachable)
    client = create_app(services.config, built).test_client()
    try:
        legal = api.login("legal")
        assert client.get("/api/v1/me", headers=legal).json["username"] == "legal"
        assert api.client.post("/api/v1/people", headers=api.login("admin"),
                               json={**LEGAL, "active": False}).status_code == 201
        assert client.get("/api/v1/me", headers=legal).status_code == 401
    finally:
        built.db_engine.dispose()
