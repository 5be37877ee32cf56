"""Real server processes for the operations tests: the compose file's command lines, run from our venv."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import yaml

from tests.support import REPO, wait_until

COMPOSE = yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())["services"]
BIN = Path(sys.executable).parent  # gunicorn and handoff, as installed in the image


def command(service: str, bind: str | None = None) -> list[str]:
    """The compose file's command for `service`, its program from our venv, `--bind` moved to `bind`."""
    argv = list(COMPOSE[service]["command"])
    if bind is not None:
        argv[argv.index("--bind") + 1] = bind
    return [str(BIN / argv[0]), *argv[1:]]


@contextmanager
def process(argv: list[str], env: dict, log: Path):
    """Runs `argv` in its own process group, output to `log`; SIGTERM (then SIGKILL) at the end."""
    with log.open("w") as out:
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def listening_port(log: Path, child) -> int:
    """The port gunicorn says it listens on (bound to port 0: the kernel chose)."""
    def port():
        assert child.poll() is None, log.read_text()
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
        return int(found.group(1)) if found else None

    return wait_until(port, timeout_s=60, poll_s=0.1)
