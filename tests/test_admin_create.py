"""`handoff admin create`: a fresh install gets its first administrator, who can then log in and add people."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from service.app import create_app
from service.store.models import AuditEvent
from tests.support import REPO

PASSWORD = "first-admin-pass"


def _handoff(child_env, *args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "service.cli", *args], env=child_env, cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_the_first_admin_logs_in_and_creates_a_person(services, child_env):
    created = _handoff(child_env, "admin", "create", "root", "--display-name", "Wang Li", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "administrator root created" in created.stdout
    client = create_app(services.config, services).test_client()
    login = client.post("/api/v1/auth/token", json={"username": "root", "password": PASSWORD})
    assert login.status_code == 200, login.json
    headers = {"Authorization": f"Bearer {login.json['token']}"}
    person = client.post("/api/v1/people", headers=headers,
                         json={"username": "rep1", "display_name": "Rep One", "groups": ["sales"],
                               "manager": "root", "password": "rep-one-pass"})
    assert person.status_code == 201, person.json
    assert person.json["manager"] == "root"
    with services.sessions() as session:
        entry = session.scalar(select(AuditEvent).where(AuditEvent.kind == "admin_created"))
        assert entry.data["username"] == "root" and entry.data["by"] == "cli"


def test_a_taken_name_a_short_password_and_an_empty_one_are_refused(services, child_env):
    assert _handoff(child_env, "admin", "create", "root", stdin=PASSWORD + "\n").returncode == 0
    again = _handoff(child_env, "admin", "create", "root", stdin="another-long-pass\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    short = _handoff(child_env, "admin", "create", "second", stdin="short\n")
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    empty = _handoff(child_env, "admin", "create", "third", stdin="")
    assert empty.returncode == 1 and "password" in empty.stderr
    client = create_app(services.config, services).test_client()
    refused = client.post("/api/v1/auth/token", json={"username": "second", "password": "short"})
    assert refused.status_code == 401  # nothing half-made: no such login
