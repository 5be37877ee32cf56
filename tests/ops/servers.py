"""A Redis and a PostgreSQL cluster of the test's own, on free ports, that a test may stop and start.

The fault tests stop servers; the machine's shared Redis and PostgreSQL serve other runs
and must never be touched. Redis keeps nothing (``--save '' --appendonly no``): started
again on the same port it is empty, as after a crash. PostgreSQL is a fresh cluster
(``initdb``) in a temporary folder; as root (initdb refuses root) it runs as the
``postgres`` user through ``runuser``, in a folder that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg
import redis

from tests.support import closed_port, wait_until


class OwnRedis:
    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, closed_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _answers(client), timeout_s=20, poll_s=0.05)
        client.close()
        return self

    def stop(self) -> None:
        """Gone at once, like a crash (nothing is saved anyway)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


class OwnPostgres:
    """A throwaway cluster; `url` names its database ``handoff`` (trust authentication, loopback only)."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = closed_port()
        self.root = Path(tempfile.mkdtemp(prefix="handoff-faults-pg-"))
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/handoff"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.as_postgres, *argv], check=True, capture_output=True, timeout=120)

    def create(self) -> OwnPostgres:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8")
        self.start()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE handoff")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")

    def stop(self) -> None:
        """`immediate`: every backend is gone at once, as when the server crashes (recovery runs at start)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
