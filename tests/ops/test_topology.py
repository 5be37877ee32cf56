"""The docker topology without Docker: the compose file's web, worker and sweeper command lines as real processes.

Two gunicorn webs (each with two worker processes), two RQ workers and a sweeper share
one database and one Redis. A person logs in on web 1 and works on web 2; the timer
that follows fires through the workers in real time (polled with a deadline, never
slept for), and both webs report the same figures on /metrics.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from service.demo import seed_people
from tests.ops.conftest import deploy_ops, parse_metrics
from tests.ops.processes import BIN, command, listening_port, process
from tests.support import wait_until

pytestmark = pytest.mark.slow
PASSWORD = "topology-pw"


class Web:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def call(self, method: str, path: str, body: dict | None = None, request_id: str | None = None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if request_id:
            headers["X-Request-ID"] = request_id
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def json(self, method: str, path: str, body: dict | None = None, request_id: str | None = None,
             expect: int = 200):
        status, text, _headers = self.call(method, path, body, request_id)
        assert status == expect, f"{method} {path}: {status} {text}"
        return json.loads(text)

    def metrics(self) -> dict[str, float]:
        status, text, _headers = self.call("GET", "/metrics")
        assert status == 200, text
        return parse_metrics(text)


def json_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_two_webs_two_workers_and_a_sweeper_share_one_database_and_redis(services, child_env, tmp_path):
    deploy_ops(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    env = {**child_env, "HANDOFF_SECRET_KEY": "topology-test-key", "HANDOFF_LOG_FORMAT": "json",
           "HANDOFF_LOG_LEVEL": "INFO", "WEB_CONCURRENCY": "2"}
    logs = {name: tmp_path / f"{name}.log" for name in ("web1", "web2", "worker1", "worker2", "sweeper")}

    with ExitStack() as stack:
        webs = []
        for name in ("web1", "web2"):  # one host: --no-control-socket keeps them apart (test_gunicorn_neighbours)
            child = stack.enter_context(process(command("web", "127.0.0.1:0"), env, logs[name]))
            webs.append((child, logs[name]))
        for name in ("worker1", "worker2"):
            stack.enter_context(process(command("worker"), env, logs[name]))
        stack.enter_context(process(command("sweeper"), env, logs["sweeper"]))
        web1, web2 = (Web(listening_port(log, child)) for child, log in webs)

        web1.token = web1.json("POST", "/api/v1/auth/token", {"username": "rep", "password": PASSWORD})["token"]
        web2.token = web1.token  # logged in on web 1, working on web 2
        started = web2.json("POST", "/api/v1/processes/quick_handoff/instances", {"data": {"wait_for": "PT1S"}},
                            expect=201)
        instance_id = started["id"]
        [task] = [t for t in web2.json("GET", "/api/v1/tasks?scope=groups") if t["instance_id"] == instance_id]
        web2.json("POST", f"/api/v1/tasks/{task['id']}/claim", {})
        web2.json("POST", f"/api/v1/tasks/{task['id']}/complete", {"data": {"notes": "ready for delivery"}},
                  request_id="topology-complete")

        wait_until(lambda: web1.json("GET", f"/api/v1/instances/{instance_id}")["status"] == "completed",
                   timeout_s=60, poll_s=0.2)
        wait_until(lambda: web1.metrics()["handoff_outbox_backlog"] == 0, timeout_s=30, poll_s=0.2)
        scrapes = [web1.metrics(), web2.metrics()]
        doctor = subprocess.run([str(BIN / "handoff"), "doctor"], env=env, capture_output=True, text=True,
                                timeout=60)

    for metrics in scrapes:
        assert metrics['handoff_instances{status="completed"}'] == 1
        assert metrics["handoff_timer_lateness_seconds_count"] == 1
        assert metrics['handoff_timer_lateness_seconds_bucket{le="5.0"}'] == 1  # fired by the workers on time
        assert metrics["handoff_rq_workers"] == 2 and metrics["handoff_sweepers"] == 1
        assert metrics["handoff_tasks_open"] == 0 and metrics["handoff_outbox_backlog"] == 0
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "2 running" in doctor.stdout

    [completed] = [line for line in json_lines(logs["web2"]) if line.get("request_id") == "topology-complete"]
    assert completed["message"].startswith("POST /api/v1/tasks/") and completed["instance_id"] == instance_id
    fired = [line for log in (logs["worker1"], logs["worker2"]) for line in json_lines(log)
             if line["message"].startswith("fired cool_off")]
    assert len(fired) == 1 and fired[0]["instance_id"] == instance_id
    assert fired[0]["job_id"].startswith(f"wake-{instance_id}-")
