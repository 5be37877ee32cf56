"""Diagrams as designers draw them validate, deploy through the API and run (issue 9.4).

- a user task with ``camunda:candidateGroups`` or ``camunda:assignee`` and no lane is offered
  to that group or that person (README: candidateGroups replaces the lane);
- a collaboration with a documentation-only pool (``isExecutable="false"``) runs its executable pool;
- a DMN file in a subfolder of ``bpmn/`` is found by validate and by deploy alike.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from service.app import create_app
from service.demo import seed_people
from service.engine.bundle import read_tree
from service.engine.validate import validate

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "validator"
PASSWORD = "s3cret-enough"


class Client:
    def __init__(self, services):
        self.http = create_app(services.config, services).test_client()
        self.tokens: dict[str, str] = {}
        self.people: dict[str, int] = {}

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.http.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            self.tokens[username] = response.json["token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def deploy(self, files: dict[str, str]):
        body = {path: (io.BytesIO(text.encode()), Path(path).name) for path, text in files.items()}
        return self.http.post("/api/v1/processes/deploy", headers=self.auth("designer"), data=body,
                              content_type="multipart/form-data")

    def start(self, process_id: str, username: str, data: dict) -> dict:
        response = self.http.post(f"/api/v1/processes/{process_id}/instances", headers=self.auth(username),
                                  json={"data": data})
        assert response.status_code == 201, response.json
        return response.json

    def tasks(self, username: str, scope: str) -> list[dict]:
        response = self.http.get(f"/api/v1/tasks?scope={scope}", headers=self.auth(username))
        assert response.status_code == 200, response.json
        return response.json

    def claim_and_complete(self, username: str, task: dict, data: dict) -> dict:
        headers = self.auth(username)
        if task["assignee_id"] is None:
            claimed = self.http.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers,
                                     json={"version": task["version"]})
            assert claimed.status_code == 200, claimed.json
            task = claimed.json
        done = self.http.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                              json={"data": data, "version": task["version"]})
        assert done.status_code == 200, done.json
        return done.json

    def instance(self, instance_id: int, username: str) -> dict:
        return self.http.get(f"/api/v1/instances/{instance_id}", headers=self.auth(username)).json


@pytest.fixture
def client(services) -> Client:
    client = Client(services)
    with services.sessions() as session:
        client.people = {name: user.id for name, user in seed_people(session, PASSWORD).items()}
        session.commit()
    return client


def _files(*diagrams: str) -> dict[str, str]:
    tree = read_tree(ROOT)
    return {path: text for path, text in tree.items()
            if not path.endswith(".bpmn") or Path(path).name in diagrams}


def test_candidate_groups_or_assignee_without_a_lane_offer_the_task_to_that_group_then_that_person(client):
    diagram = ROOT / "bpmn" / "no_lane_assignment.bpmn"
    assert validate([diagram]) == []
    deployed = client.deploy(_files("no_lane_assignment.bpmn"))
    assert deployed.status_code == 201, deployed.json

    started = client.start("Process_NoLane", "rep", {})
    [offered] = client.tasks("finance", "groups")
    assert (offered["element_id"], offered["candidate_group"], offered["assignee_id"]) == (
        "Activity_0appr01", "finance", None)
    assert client.tasks("legal", "groups") == [] and client.tasks("rep", "groups") == []
    refused = client.http.post(f"/api/v1/tasks/{offered['id']}/claim", headers=client.auth("legal"),
                               json={"version": offered["version"]})
    assert refused.status_code in (403, 404)

    client.claim_and_complete("finance", offered, {"approved": True})
    [confirm] = client.tasks("rep", "mine")  # camunda:assignee="${initiator}": straight to who started it
    assert (confirm["element_id"], confirm["candidate_group"], confirm["assignee_id"]) == (
        "Activity_1conf02", None, client.people["rep"])
    assert client.tasks("finance", "groups") == [] and client.tasks("finance", "mine") == []
    client.claim_and_complete("rep", confirm, {"note": "thanks"})
    assert client.instance(started["id"], "rep")["status"] == "completed"


def test_a_collaboration_runs_its_executable_pool_and_ignores_the_documentation_pool(client):
    # The customer's pool has a user task without lane or form, a task with two outgoing flows and a
    # gateway without conditions: all refused in a pool that runs, none of it checked in one that does not.
    assert validate([ROOT / "bpmn" / "collaboration.bpmn"]) == []
    deployed = client.deploy(_files("collaboration.bpmn"))
    assert deployed.status_code == 201, deployed.json
    assert [d["process_id"] for d in deployed.json] == ["Process_Order"]
    refused = client.http.post("/api/v1/processes/Process_Customer/instances", headers=client.auth("rep"),
                               json={"data": {}})
    assert refused.status_code == 404

    started = client.start("Process_Order", "rep", {})
    [check] = client.tasks("rep2", "groups")
    assert (check["element_id"], check["candidate_group"]) == ("Activity_1check2", "sales")
    client.claim_and_complete("rep2", check, {"note": "complete order"})
    assert client.instance(started["id"], "rep")["status"] == "completed"


@pytest.mark.parametrize(("amount", "group"), [(5000, "finance"), (10, "sales")])
def test_a_decision_in_a_subfolder_is_found_by_validate_and_by_deploy(client, amount, group):
    assert (ROOT / "bpmn" / "decisions" / "route_request.dmn").is_file()
    assert validate([ROOT / "bpmn" / "routed_request.bpmn"]) == []
    files = _files("routed_request.bpmn")
    assert "bpmn/decisions/route_request.dmn" in files
    deployed = client.deploy(files)
    assert deployed.status_code == 201, deployed.json

    client.start("Process_Routed", "rep", {"amount": amount})
    member = {"finance": "finance", "sales": "rep2"}[group]
    [task] = client.tasks(member, "groups")
    assert (task["element_id"], task["candidate_group"]) == ("Activity_1hand02", group)


def test_validate_and_deploy_find_the_same_decision_files(tmp_path):
    """One rule for both: every .dmn under bpmn/, however deep; none outside it."""
    (tmp_path / "bpmn" / "a" / "b").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    diagram = (ROOT / "bpmn" / "routed_request.bpmn").read_text()
    table = (ROOT / "bpmn" / "decisions" / "route_request.dmn").read_text()
    (tmp_path / "bpmn" / "routed.bpmn").write_text(diagram)
    (tmp_path / "bpmn" / "a" / "b" / "deep.dmn").write_text(table)
    (tmp_path / "elsewhere" / "stray.dmn").write_text("<not a decision/>")
    deployed = {path for path in read_tree(tmp_path) if path.endswith(".dmn")}
    assert deployed == {"bpmn/a/b/deep.dmn"}
    problems = [str(p) for p in validate([tmp_path / "bpmn" / "routed.bpmn"], forms_dir=ROOT / "forms")]
    assert problems == []
    (tmp_path / "bpmn" / "a" / "b" / "deep.dmn").unlink()
    [missing] = [str(p) for p in validate([tmp_path / "bpmn" / "routed.bpmn"], forms_dir=ROOT / "forms")]
    assert missing.endswith(":7: Activity_0rule01: decision Decision_route_request is not in any DMN file "
                            "(there is no decision at all)")


def test_a_process_file_over_the_validators_limit_is_413_with_the_limit_and_nothing_deploys(client):
    files = _files("no_lane_assignment.bpmn")
    files["bpmn/no_lane_assignment.bpmn"] = files["bpmn/no_lane_assignment.bpmn"].replace(
        "</bpmn:definitions>", "<!--" + "x" * (5 * 1024 * 1024) + "--></bpmn:definitions>")
    response = client.deploy(files)
    assert response.status_code == 413 and response.json["code"] == "too_large"
    assert response.json["message"] == ("bpmn/no_lane_assignment.bpmn is larger than 5.0 MB; a process or form file "
                                        "may be at most 5.0 MB (split the process)")
    missing = client.http.post("/api/v1/processes/Process_NoLane/instances", headers=client.auth("rep"),
                               json={"data": {}})
    assert missing.status_code == 404
