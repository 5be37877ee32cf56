"""One `handoff demo` per data folder: a lock held for the demo's life, and what it says about itself.

Two demos on one folder would share its SQLite file and its embedded Redis, and the
second, on its way out, would shut down the first one's Redis. The first demo holds an
exclusive `flock` on ``demo.lock`` in the data folder (the kernel releases it when the
process ends, however it ends) and writes its pid, web address and Redis socket into the
file, so a second demo can say which one runs and `handoff doctor` can find its Redis.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "demo.lock"


@dataclass(frozen=True)
class RunningDemo:
    pid: int | None
    url: str | None
    redis_socket: str | None


class DemoRunning(Exception):
    """Another demo holds the data folder."""

    def __init__(self, data_dir: Path, running: RunningDemo):
        self.data_dir, self.running = data_dir, running
        where = f" on {running.url}" if running.url else ""
        pid = f" (process {running.pid})" if running.pid else ""
        super().__init__(f"another Handoff demo is already running{where}{pid} with the data in {data_dir}. "
                         "Open that one, stop it first (Ctrl-C in its terminal), or start this one on another "
                         "data folder: HANDOFF_DATA_DIR=/some/other/folder")


class DemoLock:
    """Held from `acquire` until the process ends (or `release`); `describe` fills in what others read."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self._file = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the demo's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DemoRunning(self.path.parent, read(self.path.parent) or RunningDemo(None, None, None)) from None
        self._file = handle
        self.describe(url=None, redis_socket=None)

    def describe(self, url: str | None, redis_socket: str | None) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._file.write(json.dumps({"pid": os.getpid(), "url": url, "redis_socket": redis_socket}))
        self._file.flush()

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self.path.write_text("", encoding="utf-8")  # nobody runs here any more
            self._file.close()  # closing the file releases the lock
            self._file = None


def read(data_dir: Path) -> RunningDemo | None:
    """The demo running on this data folder, or None when no process holds its lock."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: a demo runs
            try:
                info = json.loads(handle.read() or "{}")
            except ValueError:
                info = {}
            return RunningDemo(info.get("pid"), info.get("url"), info.get("redis_socket"))
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


def port_taken(host: str, port: int) -> bool:
    """Whether a server already listens on the port (tried as the web server binds: SO_REUSEADDR)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError:
        return True
    finally:
        probe.close()
    return False
