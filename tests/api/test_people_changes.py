"""People changes take effect at once in every web process, although each keeps copies of people and groups.

Two apps on the same database and Redis stand for two gunicorn workers: each has its own copies.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from service import runtime
from service.app import create_app
from service.store.models import User

from .test_tasks_api import OPPORTUNITY, tasks

LEGAL = {"username": "legal", "display_name": "Lena Gross (Legal)", "manager": "vp"}


@pytest.fixture
def other_worker(api, services):
    """A second web process: its own engine, sessions and copies of people; the same database and Redis."""
    built = runtime.build(services.config, services.redis)
    client = create_app(services.config, built).test_client()
    yield client
    built.db_engine.dispose()


def _project_at_legal_review(api) -> dict:
    api.start_project()
    rep = api.login("rep")
    [task] = tasks(api, "rep")
    api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=rep,
                    json={"data": {**OPPORTUNITY, "customer_id": api.customer_id}})
    [submit] = tasks(api, "rep")
    api.client.post(f"/api/v1/tasks/{submit['id']}/complete", headers=rep, json={"data": {
        "contract_number": "C-1", "contract_amount": 800000, "terms": "net 30", "invoice_type": "receipt"}})
    [review] = tasks(api, "legal", "groups")
    return review


def test_a_person_removed_from_a_group_loses_its_work_at_once_in_every_process(api, other_worker):
    review = _project_at_legal_review(api)
    legal = api.login("legal")
    assert [t["id"] for t in other_worker.get("/api/v1/tasks?scope=groups", headers=legal).json] == [review["id"]]
    assert other_worker.get(f"/api/v1/tasks/{review['id']}", headers=legal).status_code == 200

    removed = api.client.post("/api/v1/people", headers=api.login("admin"), json={**LEGAL, "groups": []})
    assert removed.status_code == 201 and removed.json["groups"] == []

    assert other_worker.get("/api/v1/tasks?scope=groups", headers=legal).json == []
    assert other_worker.get(f"/api/v1/tasks/{review['id']}", headers=legal).status_code == 404
    assert other_worker.post(f"/api/v1/tasks/{review['id']}/claim", headers=legal, json={}).status_code == 404
    assert other_worker.get("/api/v1/me", headers=legal).json["groups"] == []


def test_a_person_added_to_a_group_may_claim_its_work_at_once(api, other_worker):
    review = _project_at_legal_review(api)
    delivery = api.login("delivery")
    assert other_worker.post(f"/api/v1/tasks/{review['id']}/claim", headers=delivery, json={}).status_code == 403

    added = api.client.post("/api/v1/people", headers=api.login("admin"), json={
        "username": "delivery", "display_name": "Dana Kim (Delivery manager)", "manager": "delivery_head",
        "groups": ["delivery", "legal"]})
    assert added.status_code == 201

    claimed = other_worker.post(f"/api/v1/tasks/{review['id']}/claim", headers=delivery, json={})
    assert claimed.status_code == 200 and claimed.json["assignee_id"] == api.people["delivery"]


def test_deactivating_or_changing_a_password_revokes_tokens_at_once_in_every_process(api, services, other_worker):
    rep, legal = api.login("rep"), api.login("legal")
    assert other_worker.get("/api/v1/me", headers=rep).status_code == 200
    assert other_worker.get("/api/v1/me", headers=legal).status_code == 200

    assert api.client.post("/api/v1/people", headers=api.login("admin"),
                           json={**LEGAL, "groups": ["legal"], "active": False}).status_code == 201
    with services.sessions() as session:  # not through the API: any session of the service counts
        session.get(User, api.people["rep"]).password_hash = generate_password_hash("another password")
        session.commit()

    assert other_worker.get("/api/v1/me", headers=legal).status_code == 401
    assert other_worker.get("/api/v1/me", headers=rep).status_code == 401
    assert api.client.get("/api/v1/me", headers=rep).status_code == 401


def test_copies_made_before_redis_lost_its_data_are_not_trusted(api, services, other_worker):
    legal, admin = api.login("legal"), api.login("admin")
    assert other_worker.get("/api/v1/me", headers=legal).json["groups"] == ["legal"]
    with services.db_engine.begin() as connection:  # behind the service's back: no change is signalled
        connection.execute(text("DELETE FROM membership WHERE user_id = :id"), {"id": api.people["legal"]})
    services.redis.flushdb()
    assert other_worker.get("/api/v1/me", headers=legal).json["groups"] == []

    services.redis.flushdb()  # lost again, then a change through the service
    assert api.client.post("/api/v1/people", headers=admin, json={**LEGAL, "groups": ["legal"]}).status_code == 201
    assert other_worker.get("/api/v1/me", headers=legal).json["groups"] == ["legal"]
