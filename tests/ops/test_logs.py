"""Structured logs: one JSON line per record, carrying the request id, the instance and the job."""

from __future__ import annotations

import io
import logging
import re
import time
from datetime import timedelta

from freezegun import freeze_time

from service.app import create_app
from service.clock import utcnow
from service.demo import seed_people
from service.flows import instances
from service.jobs.dispatcher import TimerDispatcher
from service.jobs.worker import make_worker
from service.logging_setup import configure, scope
from tests.ops.conftest import deploy_ops
from tests.support import do_task

PASSWORD = "long-enough-pw"


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "service.web.requests"]


def test_the_callers_request_id_is_echoed_and_on_the_requests_log_line(services, json_logs):
    client = create_app(services.config, services).test_client()
    response = client.get("/api/v1/me", headers={"X-Request-ID": "edge-7f3a.1"})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "edge-7f3a.1"
    [line] = request_lines(json_logs())
    assert line["request_id"] == "edge-7f3a.1"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/me", 401)
    assert line["level"] == "INFO" and line["duration_ms"] >= 0 and "time" in line


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(services, json_logs):
    client = create_app(services.config, services).test_client()
    first = client.get("/api/v1/me").headers["X-Request-ID"]
    second = client.get("/api/v1/me", headers={"X-Request-ID": "two words;<script>"}).headers["X-Request-ID"]
    third = client.get("/api/v1/me", headers={"X-Request-ID": "x" * 300}).headers["X-Request-ID"]
    for generated in (first, second, third):
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert len({first, second, third}) == 3
    assert [line["request_id"] for line in request_lines(json_logs())] == [first, second, third]


def test_a_request_that_starts_an_instance_logs_the_instance_and_nothing_leaks_after_it(services, json_logs):
    deploy_ops(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    client = create_app(services.config, services).test_client()
    token = client.post("/api/v1/auth/token", json={"username": "rep", "password": PASSWORD}).json["token"]
    started = client.post("/api/v1/processes/quick_handoff/instances", json={"data": {"wait_for": "PT1H"}},
                          headers={"Authorization": f"Bearer {token}", "X-Request-ID": "start-1"})
    assert started.status_code == 201, started.json
    logging.getLogger("tests.ops").info("after the request")

    lines = json_logs()
    [start_line] = [line for line in request_lines(lines) if line["request_id"] == "start-1"]
    assert start_line["instance_id"] == started.json["id"] and start_line["status"] == 201
    [after] = [line for line in lines if line["message"] == "after the request"]
    assert "request_id" not in after and "instance_id" not in after


def test_a_timer_job_logs_its_job_id_instance_and_lateness(services, json_logs):
    deploy_ops(services)
    with services.sessions() as session:
        rep = seed_people(session)["rep"].id
        session.commit()
    started = instances.start_process(services, "quick_handoff", {"wait_for": "PT1M"}, actor_id=rep)
    do_task(services, {"rep": rep}, started.instance_id, "prepare", "rep", {"notes": "ready"})
    with freeze_time(utcnow() + timedelta(minutes=1, seconds=2)):
        TimerDispatcher(services.redis, [services.config.timer_queue]).dispatch_due(time.time())
        make_worker(services).work(burst=True, with_scheduler=False)

    [fired] = [line for line in json_logs() if line["message"].startswith("fired cool_off")]
    assert fired["instance_id"] == started.instance_id
    assert fired["job_id"].startswith(f"wake-{started.instance_id}-")
    assert fired["timers"] == ["cool_off"] and 2.0 <= fired["lateness_s"][0] < 3.0


def test_text_logs_for_people_carry_the_same_ids_in_brackets():
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    buffer = io.StringIO()
    try:
        configure("INFO", "text", buffer)
        with scope(request_id="r-1"), scope(instance_id=5):
            logging.getLogger("service.test").warning("stage moved")
        logging.getLogger("service.test").warning("no scope")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    first, second = buffer.getvalue().splitlines()
    assert first.endswith("WARNING service.test: stage moved [request_id=r-1 instance_id=5]")
    assert second.endswith("WARNING service.test: no scope")
