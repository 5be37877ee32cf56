"""The health page tells an operator what is wrong in words."""

from __future__ import annotations

from rq import SimpleWorker

from service.app import create_app
from tests.support import deploy_fixtures


def test_health_reports_a_missing_worker_then_all_good(services):
    deploy_fixtures(services)
    client = create_app(services.config, services).test_client()
    down = client.get("/health?format=json")
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
