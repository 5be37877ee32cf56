"""Two gunicorns on one host do not break each other (issue 13, item 11).

gunicorn 25.1+ opens a control socket at a default path shared by every gunicorn of the
user (``$XDG_RUNTIME_DIR/gunicorn.ctl``, else ``~/.gunicorn/gunicorn.ctl``) and removes it
when it stops: a second server (the benchmark, the topology test, a second service) took
the first one's socket and deleted it on exit. Every command line the project ships passes
``--no-control-socket``; these tests run the compose file's web command twice with one
shared home and runtime folder, and read every shipped command line.
"""

from __future__ import annotations

import re
import signal
import urllib.request

import pytest

from tests.ops.processes import command, listening_port, process
from tests.support import REPO, wait_until

pytestmark = pytest.mark.slow


def answers(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
        return response.status == 200


def booted(log) -> int:
    return log.read_text().count("Booting worker")


def test_two_gunicorns_start_and_stop_without_breaking_each_other(services, child_env, tmp_path):
    shared = tmp_path / "home"  # the one place a default control socket of either would go
    shared.mkdir()
    env = {**child_env, "HOME": str(shared), "XDG_RUNTIME_DIR": str(shared), "WEB_CONCURRENCY": "1"}
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"

    with process(command("web", "127.0.0.1:0"), env, log_a) as a:
        port_a = listening_port(log_a, a)
        with process(command("web", "127.0.0.1:0"), env, log_b) as b:
            port_b = listening_port(log_b, b)
            assert port_a != port_b and answers(port_a) and answers(port_b)
            assert list(shared.rglob("*.ctl")) == []  # no socket anyone could take or remove
            b.send_signal(signal.SIGTERM)
            assert b.wait(timeout=20) == 0
        assert answers(port_a)

        before = booted(log_a)
        a.send_signal(signal.SIGHUP)  # graceful reload: new workers, same master and socket
        wait_until(lambda: booted(log_a) > before, timeout_s=60, poll_s=0.1)
        wait_until(lambda: answers(port_a), timeout_s=30, poll_s=0.1)
        a.send_signal(signal.SIGTERM)
        assert a.wait(timeout=20) == 0
    assert "control socket" not in log_a.read_text().lower()


GUNICORN_LINES = re.compile(r"^.*gunicorn\b.*(?:service\.wsgi:app|service\.app:create_app).*$", re.MULTILINE)


@pytest.mark.parametrize("path", ["docker/Dockerfile", "docker/compose.yaml", "README.md", "bench/api.py",
                                  "bench/README.md"])
def test_every_shipped_gunicorn_command_line_has_no_control_socket(path):
    text = (REPO / path).read_text()
    if path == "bench/api.py":  # the command is a list spread over lines: the function that builds it
        text = text[text.index("def start_gunicorn"):text.index("def stop_gunicorn")]
        assert "--no-control-socket" in text
        return
    if path == "bench/README.md":
        text = " ".join(text.split())
    lines = GUNICORN_LINES.findall(text)
    assert lines, f"no gunicorn command line found in {path}"
    for line in lines:
        assert "--no-control-socket" in line, f"{path}: {line.strip()}"
