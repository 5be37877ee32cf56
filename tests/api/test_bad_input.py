"""Bad input gets a 4xx, always: control characters, oversize bodies, catastrophic patterns, authorization first.

Each of these answered 500 (or held a worker for 30 s) before: PostgreSQL refuses NUL in text, a
backtracking pattern ran unbounded, a 200 MB body was read whole. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.api.conftest import PASSWORD

NUL = "\x00"


def refused_for_control_characters(response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.json
    assert body["code"] == "invalid_request"
    assert field in body["errors"], body["errors"]
    assert "control character" in body["errors"][field][0]


def test_a_nul_in_a_freeze_reason_is_422_and_nothing_is_frozen(api):
    project = api.start_project()
    admin = api.login("admin")
    response = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=admin,
                               json={"reason": f"stop{NUL}here"})
    refused_for_control_characters(response, "reason")
    assert api.client.get(f"/api/v1/instances/{project['id']}", headers=admin).json["frozen"] is False


def test_a_nul_in_a_customer_field_is_422_and_the_customer_is_unchanged(api):
    rep = api.login("rep")
    response = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=rep,
                               json={"changes": {"industry": f"edu{NUL}cation"}})
    refused_for_control_characters(response, "changes.industry")
    assert api.client.get(f"/api/v1/customers/{api.customer_id}", headers=rep).json["industry"] == "education"


def test_a_nul_in_the_token_endpoints_username_is_422(api):
    response = api.client.post("/api/v1/auth/token", json={"username": f"rep{NUL}", "password": PASSWORD})
    refused_for_control_characters(response, "username")


def test_a_nul_in_the_login_pages_username_is_422_on_a_page(api):
    client = api.client
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"csrf": csrf, "username": f"rep{NUL}", "password": PASSWORD},
                           headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "control character" in response.get_data(as_text=True)
    as_program = client.post("/login", data={"csrf": csrf, "username": f"rep{NUL}", "password": PASSWORD})
    refused_for_control_characters(as_program, "username")


def test_a_nul_in_an_uploaded_file_name_is_422_and_nothing_is_stored(api):
    rep = api.login("rep")
    response = api.client.post("/api/v1/documents", headers=rep, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(b"hello"), f"evil{NUL}.txt", "text/plain")})
    refused_for_control_characters(response, "file")
    assert "file name" in response.json["errors"]["file"][0]


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f\x0b", "\ud800", "\udfff"])
def test_other_control_characters_and_lone_surrogates_are_refused_in_form_data(api, character):
    project = api.start_project()
    [task] = project["open_tasks"]
    response = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"),
                               json={"data": {"decision_makers": [{"name": f"Li{character}Wei"}]}})
    refused_for_control_characters(response, "data.decision_makers.0.name")


def test_tab_newline_and_carriage_return_are_text(api):
    response = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=api.login("rep"),
                               json={"changes": {"industry": "edu\tca\r\ntion"}})
    assert response.status_code == 200, response.json


def test_a_nul_in_a_json_key_is_named_escaped(api):
    response = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=api.login("rep"),
                               json={"changes": {f"bud{NUL}get": 1}})
    refused_for_control_characters(response, "changes.bud\\x00get")
    assert "key" in response.json["errors"]["changes.bud\\x00get"][0]


def test_a_nul_in_the_query_string_and_in_the_path_is_422(api):
    rep = api.login("rep")
    refused_for_control_characters(api.client.get("/api/v1/tasks?scope=mine%00", headers=rep), "scope")
    refused_for_control_characters(api.client.get("/api/v1/processes/project%00lifecycle/versions", headers=rep),
                                   "process_id")
    started = api.client.post("/api/v1/processes/project%00lifecycle/instances", headers=rep, json={"data": {}})
    refused_for_control_characters(started, "process_id")


def test_a_json_body_nested_too_deeply_is_a_4xx(api):
    deep = "[" * 100_000 + "]" * 100_000
    response = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=api.login("rep"),
                               data=deep, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code
