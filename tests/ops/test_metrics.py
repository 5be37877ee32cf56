"""`/metrics`: what an operator's Prometheus sees move as instances, tasks, timers and deliveries do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from service.app import create_app
from service.config import Config
from service.flows import instances
from service.runtime import build
from tests.ops.conftest import deploy_ops, scrape
from tests.support import do_task, run_jobs, seed

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_gauges_and_the_lateness_histogram_follow_a_project_through_a_late_timer(services):
    deploy_ops(services)
    people = seed(services)
    client = create_app(services.config, services).test_client()
    with freeze_time(T0):
        before = scrape(client)
        started = instances.start_process(services, "quick_handoff", {"wait_for": "PT10M"}, actor_id=people["rep"])
        running = scrape(client)
    assert before['handoff_up{source="database"}'] == 1 and before['handoff_up{source="redis"}'] == 1
    assert before['handoff_instances{status="running"}'] == 0 and before["handoff_timer_lateness_seconds_count"] == 0
    assert running['handoff_instances{status="running"}'] == 1
    assert running["handoff_tasks_open"] == 1 and running["handoff_tasks_overdue"] == 0

    with freeze_time(T0 + timedelta(hours=2)):  # the task was due after one hour
        assert scrape(client)["handoff_tasks_overdue"] == 1
        do_task(services, people, started.instance_id, "prepare", "rep", {"notes": "all in the CRM"})
        done = scrape(client)
        assert done["handoff_tasks_open"] == 0 and done["handoff_tasks_overdue"] == 0
        assert done["handoff_outbox_backlog"] == 1  # "handoff prepared" waits for a worker
        assert done['handoff_rq_queued_jobs{queue="test-outbox"}'] == 1
        run_jobs(services)
        assert scrape(client)["handoff_outbox_backlog"] == 0

    with freeze_time(T0 + timedelta(hours=2, minutes=10, seconds=45)):  # the worker wakes 45 s after the due time
        run_jobs(services)
        after = scrape(client)
    assert after['handoff_instances{status="completed"}'] == 1 and after['handoff_instances{status="running"}'] == 0
    assert after["handoff_timer_lateness_seconds_count"] == 1
    assert after["handoff_timer_lateness_seconds_sum"] == 45.0
    assert after['handoff_timer_lateness_seconds_bucket{le="30.0"}'] == 0
    assert after['handoff_timer_lateness_seconds_bucket{le="60.0"}'] == 1
    assert after['handoff_timer_lateness_seconds_bucket{le="+Inf"}'] == 1


def test_a_timer_nobody_fires_shows_as_late(services):
    deploy_ops(services)
    people = seed(services)
    client = create_app(services.config, services).test_client()
    with freeze_time(T0):
        started = instances.start_process(services, "quick_handoff", {"wait_for": "PT1M"}, actor_id=people["rep"])
        do_task(services, people, started.instance_id, "prepare", "rep", {"notes": "ready"})
    with freeze_time(T0 + timedelta(seconds=90)):  # due 30 s ago: within the grace
        assert scrape(client)["handoff_timers_late"] == 0
    with freeze_time(T0 + timedelta(minutes=5)):  # no worker ran: four minutes late
        assert scrape(client)["handoff_timers_late"] == 1


def test_a_scrape_with_the_database_down_answers_and_says_so(services, tmp_path):
    broken = Config(database_url=f"sqlite:///{tmp_path}/missing/handoff.db", redis_url=services.config.redis_url,
                    data_dir=tmp_path, queue_prefix="test")
    broken_services = build(broken, services.redis)
    metrics = scrape(create_app(broken, broken_services).test_client())
    assert metrics['handoff_up{source="database"}'] == 0
    assert metrics['handoff_up{source="redis"}'] == 1
    assert "handoff_tasks_open" not in metrics and "handoff_timer_lateness_seconds_count" in metrics


def test_a_metrics_token_keeps_the_figures_from_whoever_reaches_the_port(services):
    from dataclasses import replace

    guarded = replace(services, config=replace(services.config, metrics_token="scrape-secret"))
    client = create_app(guarded.config, guarded).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200 and b"handoff_" in response.data
