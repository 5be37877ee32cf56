"""The health page tells an operator what is wrong in words, and anyone else only what is down."""

from __future__ import annotations

import dataclasses

from rq import SimpleWorker
from sqlalchemy.engine import make_url

from service import runtime
from service.api.auth import issue_token
from service.app import create_app
from service.config import Config
from service.demo import seed_people
from service.store.models import User
from tests.support import closed_port, deploy_fixtures

METRICS_TOKEN = "health-metrics-token"


def connection_details(config) -> list[str]:
    """What /health must not tell a stranger: where the database and Redis are, and who we log in as."""
    url = make_url(config.database_url)
    redis = make_url(config.redis_url)
    return [str(part) for part in (url.host, url.username, url.database, redis.host and f"{redis.host}:{redis.port}",
                                   config.database_url, config.redis_url) if part]


def app_for(services, **changes):
    config = dataclasses.replace(services.config, **changes)
    return create_app(config, dataclasses.replace(services, config=config))


def test_health_reports_a_missing_worker_then_all_good(services):
    deploy_fixtures(services)
    client = app_for(services, metrics_token=METRICS_TOKEN).test_client()
    down = client.get("/health?format=json", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert down.status_code == 503
    assert "no RQ worker is running" in down.json["checks"]["workers"]["detail"]
    assert down.json["checks"]["database"]["ok"] and down.json["checks"]["redis"]["ok"]
    assert down.json["processes"] == ["timer_demo v1", "wait_then_finish v1"]

    config = services.config
    worker = SimpleWorker([config.timer_queue, config.outbox_queue], connection=services.redis)  # as `handoff worker`
    worker.register_birth()
    try:
        up = client.get("/health")
        assert up.status_code == 200
        assert "all good" in up.get_data(as_text=True)
    finally:
        worker.register_death()


def test_strangers_learn_what_is_down_but_not_where_things_are(services):
    deploy_fixtures(services)
    with services.sessions() as session:
        people = seed_people(session, "health-pw")
        session.commit()
        admin, rep = people["admin"], people["rep"]
    app = app_for(services, metrics_token=METRICS_TOKEN)
    client = app.test_client()
    with app.app_context():
        tokens = {"admin": issue_token(admin), "rep": issue_token(rep)}

    def report(token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.get("/health?format=json", headers=headers)
        return response.json, response.get_data(as_text=True) + client.get("/health", headers=headers).get_data(
            as_text=True)

    for caller in (None, tokens["rep"], "not-a-token"):
        body, text = report(caller)
        assert body["checks"]["database"] == {"ok": True, "detail": "reachable"}
        assert body["checks"]["redis"] == {"ok": True, "detail": "reachable"}
        assert not body["detailed"] and "processes" not in body and "running" not in body
        for secret in connection_details(services.config):
            assert secret not in text, (caller, secret)
    for caller in (METRICS_TOKEN, tokens["admin"]):
        body, text = report(caller)
        assert body["detailed"] and body["processes"] == ["timer_demo v1", "wait_then_finish v1"]
        assert make_url(services.config.database_url).database in body["checks"]["database"]["detail"]
        assert make_url(services.config.redis_url).host in body["checks"]["redis"]["detail"]


def test_with_the_database_down_health_says_so_without_the_address_and_does_not_fail(config, redis_client):
    down = Config(database_url=f"postgresql://secret_user@127.0.0.1:{closed_port()}/secret_db",
                  redis_url=config.redis_url, data_dir=config.data_dir, queue_prefix=config.queue_prefix,
                  metrics_token=METRICS_TOKEN)
    services = runtime.build(down, redis_client)
    try:
        client = create_app(down, services).test_client()
        with client.application.app_context():
            admin_token = issue_token(User(id=1, password_hash="x"))
        anonymous = client.get("/health?format=json", headers={"Authorization": f"Bearer {admin_token}"})
        assert anonymous.status_code == 503
        assert anonymous.json["checks"]["database"] == {
            "ok": False, "detail": "not reachable: the service cannot read or save anything"}
        assert "secret" not in anonymous.get_data(as_text=True)
        operator = client.get("/health?format=json", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert operator.status_code == 503 and "secret_db" in operator.json["checks"]["database"]["detail"]
    finally:
        services.db_engine.dispose()
