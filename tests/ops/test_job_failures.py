"""Job failures: counted where they happen (the worker), seen by any web process's `/metrics`."""

from __future__ import annotations

from rq import Queue

from service import runtime
from service.app import create_app
from service.config import Config
from service.flows import instances
from service.jobs.worker import make_worker
from service.queues import FIRE_TIMERS
from tests.ops.conftest import deploy_ops, scrape
from tests.support import do_task, run_jobs, seed


def test_a_job_that_raises_is_counted_kept_by_rq_and_logged_with_its_job_and_instance(services, tmp_path, json_logs):
    client = create_app(services.config, services).test_client()
    gone = Config(database_url=f"sqlite:///{tmp_path}/gone/handoff.db", redis_url=services.config.redis_url,
                  data_dir=tmp_path, queue_prefix="test")
    worker_services = runtime.build(gone, services.redis)  # a worker whose database went away
    job = Queue(services.config.timer_queue, connection=services.redis).enqueue(FIRE_TIMERS, 42, job_id="wake-42-1")
    runtime.install(worker_services)
    try:
        make_worker(worker_services).work(burst=True, with_scheduler=False)
    finally:
        runtime.install(services)
        worker_services.db_engine.dispose()

    metrics = scrape(client)
    assert metrics['handoff_job_failures_total{job="fire_timers",reason="exception"}'] == 1
    assert metrics['handoff_job_failures_total{job="deliver_outbox",reason="exception"}'] == 0
    assert metrics['handoff_rq_failed_jobs{queue="test-timers"}'] == 1
    [error] = [line for line in json_logs() if line["level"] == "ERROR" and line.get("job_id") == job.id]
    assert error["instance_id"] == 42
    assert "unable to open database file" in error["message"]


def test_a_delivery_the_channel_cannot_take_is_counted_and_stays_in_the_backlog(services):
    deploy_ops(services)
    people = seed(services)
    client = create_app(services.config, services).test_client()
    started = instances.start_process(services, "quick_handoff", {"wait_for": "PT1H"}, actor_id=people["rep"])
    do_task(services, people, started.instance_id, "prepare", "rep", {"notes": "ready"})
    services.channels.pop("inapp")  # misconfigured: the in-app channel is missing
    run_jobs(services)

    metrics = scrape(client)
    assert metrics['handoff_job_failures_total{job="deliver_outbox",reason="delivery_retry"}'] == 1
    assert metrics["handoff_outbox_backlog"] == 1
    assert metrics['handoff_rq_failed_jobs{queue="test-outbox"}'] == 0  # the job itself ended well: it will retry
