"""`handoff demo` as real processes: one demo per data folder, a taken port said at once, the doctor beside it,
one JSON log line per request, a favicon.

One demo (embedded Redis, its own worker and sweeper) starts once for the module, on a free port and a fresh
data folder; its database is the run's (SQLite in the folder, or the PostgreSQL test database).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from service.ops.demo_lock import read
from service.store.db import make_engine
from service.store.models import Base
from tests.conftest import BACKEND, PG_URL
from tests.support import REPO, wait_until

pytestmark = pytest.mark.slow
REFUSAL_S = 15  # "at once": Python's start-up on a busy machine, nothing more


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "HANDOFF_PORT")}
    env.update(HANDOFF_DATA_DIR=str(data_dir), HANDOFF_LOG_FORMAT="json", HANDOFF_LOG_LEVEL="INFO")
    if BACKEND == "postgresql":
        env["DATABASE_URL"] = PG_URL
    return env


def _handoff(data_dir: Path, *args: str, timeout: float = REFUSAL_S) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], env=_env(data_dir), cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@dataclass
class Demo:
    process: subprocess.Popen
    data_dir: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serves(self) -> bool:
        try:
            return _get(self.url + "/login")[0] == 200
        except OSError:
            return False


def _clean_postgres() -> None:
    engine = make_engine(PG_URL)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(scope="module")
def demo(db_template, tmp_path_factory):
    if BACKEND == "postgresql":
        _clean_postgres()
    data_dir = tmp_path_factory.mktemp("demo")
    port, log = _free_port(), data_dir / "demo.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "demo", "--port", str(port), "--root",
                                    str(REPO)], env=_env(data_dir), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=stderr, start_new_session=True)
    started = Demo(process, data_dir, port, log)
    try:
        wait_until(lambda: started.serves() or process.poll() is not None, timeout_s=240, poll_s=0.5)
        assert process.poll() is None, log.read_text()[-3000:]
        yield started
    finally:
        _stop(process)
        if BACKEND == "postgresql":
            _clean_postgres()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the demo alone: it stops its worker and sweeper, then its Redis; then nothing may be left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):  # a straggler of its session (it started it)
        os.killpg(process.pid, signal.SIGKILL)


def _embedded_redis(demo: Demo) -> redis.Redis:
    running = read(demo.data_dir)
    assert running is not None and running.redis_socket
    return redis.Redis(unix_socket_path=running.redis_socket, socket_connect_timeout=2)


def test_a_second_demo_on_the_same_folder_refuses_at_once_and_the_first_keeps_running(demo):
    before = time.monotonic()
    second = _handoff(demo.data_dir, "demo", "--port", str(_free_port()), "--root", str(REPO))
    assert time.monotonic() - before < REFUSAL_S
    assert second.returncode != 0
    assert "another Handoff demo is already running" in second.stderr
    assert f"{demo.url}/" in second.stderr and str(demo.data_dir) in second.stderr
    assert "Traceback" not in second.stderr
    assert "seeded" not in second.stdout and "deployed" not in second.stdout  # it touched nothing

    assert demo.process.poll() is None and demo.serves()
    assert _embedded_redis(demo).ping()  # its Redis is still up: timers and the inbox keep working


def test_a_taken_port_is_said_before_anything_starts(demo, tmp_path):
    other = tmp_path / "other"
    before = time.monotonic()
    refused = _handoff(other, "demo", "--port", str(demo.port), "--root", str(REPO))
    assert time.monotonic() - before < REFUSAL_S
    assert refused.returncode != 0
    assert f"port {demo.port} is already in use" in refused.stderr and "--port" in refused.stderr
    assert "Traceback" not in refused.stderr and "Handoff demo on" not in refused.stdout
    assert not (other / "handoff.db").exists() and not (other / "redis.db").exists()
    assert demo.serves()


def test_the_doctor_beside_a_healthy_demo_checks_its_embedded_redis(demo):
    wait_until(lambda: _sweeper_alive(demo), timeout_s=60, poll_s=0.5)
    report = _handoff(demo.data_dir, "doctor", timeout=60)
    assert "REDIS_URL is not set" not in report.stdout
    assert "embedded Redis of the demo" in report.stdout
    assert report.stdout.strip().splitlines()[-1] == "all good", report.stdout
    assert report.returncode == 0


def _sweeper_alive(demo: Demo) -> bool:
    from service.jobs import heartbeat

    return bool(heartbeat.alive(_embedded_redis(demo), "handoff", heartbeat.SWEEPER))


def test_the_doctor_without_a_demo_says_how_to_get_redis(tmp_path):
    report = _handoff(tmp_path, "doctor", timeout=60)
    assert "no `handoff demo` runs on" in report.stdout and "REDIS_URL" in report.stdout


def test_every_request_is_one_json_line_without_colour_escapes(demo):
    probe = f"probe-{time.monotonic_ns()}"
    assert _get(f"{demo.url}/login?{probe}")[0] == 200
    assert _get(f"{demo.url}/no-such-page-{probe}")[0] == 404  # werkzeug colours a 404 yellow

    missing = wait_until(lambda: [line for line in demo.log.read_text().splitlines()
                                  if f"/no-such-page-{probe}" in line], timeout_s=10)
    log_text = demo.log.read_text()
    assert "\x1b[" not in log_text
    assert len(missing) == 1  # once, not again by the development server
    entry = json.loads(missing[0])
    assert (entry["logger"], entry["method"], entry["status"]) == ("service.web.requests", "GET", 404)
    login = [json.loads(line) for line in log_text.splitlines() if '"path": "/login"' in line]
    assert login and all(line["status"] == 200 for line in login)
    assert "HTTP/1.1" not in log_text  # werkzeug's own request lines are gone


def test_the_favicon_is_served_and_linked(demo):
    status, body, content_type = _get(demo.url + "/favicon.ico")
    assert status == 200 and content_type.startswith("image/svg+xml") and b"<svg" in body
    page = _get(demo.url + "/login")[1].decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    assert _get(demo.url + "/static/favicon.svg")[0] == 200
