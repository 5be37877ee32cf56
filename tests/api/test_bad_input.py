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


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts what the server reads of it."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self):
        return True

    def seekable(self):  # the test client measures the body by seeking to its end and back
        return True

    def seek(self, offset, whence=0):
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b" " * count
        self.position += count
        self.read_bytes += count
        return count


def send_declared(api, path: str, size: int, content_type: str, headers: dict | None = None):
    stream = CountingStream(size)
    response = api.client.post(path, input_stream=stream, content_type=content_type,
                               headers={"Content-Length": str(size), **(headers or {})})
    return response, stream


def test_a_200_mb_json_body_is_413_before_a_byte_is_read(api):
    response, stream = send_declared(api, f"/api/v1/customers/{api.customer_id}/changes", 200 * 1024 * 1024,
                                     "application/json", api.login("rep"))
    assert response.status_code == 413
    assert response.json["code"] == "too_large"
    assert response.json["message"] == "this request body is 200.0 MB; at most 1.0 MB is accepted"
    assert stream.read_bytes == 0


def test_a_json_body_just_over_its_limit_is_413_and_an_upload_may_be_larger(api):
    rep = api.login("rep")
    response, stream = send_declared(api, "/api/v1/processes/project_lifecycle/instances", 1024 * 1024 + 1,
                                     "application/json", rep)
    assert (response.status_code, stream.read_bytes) == (413, 0)
    pdf = io.BytesIO(b"%PDF-" + b"x" * 2 * 1024 * 1024)
    upload = api.client.post("/api/v1/documents", headers=rep, content_type="multipart/form-data",
                             data={"file": (pdf, "big.pdf", "application/pdf")})
    assert upload.status_code == 201, upload.json


def test_an_upload_over_the_upload_limit_is_413_unread_on_documents_and_deploy(api):
    for path, who in (("/api/v1/documents", "rep"), ("/api/v1/processes/deploy", "designer")):
        response, stream = send_declared(api, path, 200 * 1024 * 1024, "multipart/form-data; boundary=x",
                                         api.login(who))
        assert response.status_code == 413, path
        assert response.json["message"] == "this upload is 200.0 MB; at most 25.0 MB is accepted"
        assert stream.read_bytes == 0


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(api):
    stream = CountingStream(50 * 1024 * 1024)
    response = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", input_stream=stream,
                               content_type="application/json",
                               headers={**api.login("rep"), "Transfer-Encoding": "chunked"},
                               environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    assert response.status_code == 413 and response.json["code"] == "too_large"
    assert stream.read_bytes <= 2 * 1024 * 1024  # read up to the limit, not the 50 MB


def test_a_page_form_that_is_too_large_is_a_readable_413_page(api):
    response, stream = send_declared(api, "/login", 5 * 1024 * 1024, "application/x-www-form-urlencoded",
                                     {"Accept": "text/html"})
    assert response.status_code == 413 and stream.read_bytes == 0
    page = response.get_data(as_text=True)
    assert "this request body is 5.0 MB; at most 1.0 MB is accepted" in page and "<html" in page.lower()


def test_the_limits_are_configurable(services):
    from dataclasses import replace

    from service.app import create_app

    app = create_app(replace(services.config, max_upload_mb=1, max_body_kb=4), services)
    client = app.test_client()
    stream = CountingStream(8 * 1024)
    response = client.post("/api/v1/auth/token", input_stream=stream, content_type="application/json",
                           headers={"Content-Length": str(8 * 1024)})
    assert response.status_code == 413 and response.json["message"].endswith("at most 4 KB is accepted")


def test_a_real_gunicorn_answers_413_to_a_declared_200_mb_body_without_waiting_for_it(child_env, tmp_path):
    """Honest end to end: only the headers are sent; a server that tried to read the body would hang."""
    import socket
    import subprocess
    import sys
    from pathlib import Path

    from tests.support import wait_until

    log = tmp_path / "gunicorn.log"
    env = {**child_env, "HANDOFF_SECRET_KEY": "bad-input-test", "HANDOFF_LOG_FORMAT": "text"}
    argv = [str(Path(sys.executable).parent / "gunicorn"), "--no-control-socket", "-w", "1", "-b", "127.0.0.1:0",
            "service.wsgi:app"]
    with log.open("w") as out:
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        def port():
            assert child.poll() is None, log.read_text()
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
            return int(found.group(1)) if found else None

        bound = wait_until(port, timeout_s=60, poll_s=0.1)
        with socket.create_connection(("127.0.0.1", bound), timeout=10) as connection:
            connection.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n{\"user")
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += connection.recv(65536)
            head, _, body = answer.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
            while len(body) < length:
                body += connection.recv(65536)
        assert head.startswith(b"HTTP/1.1 413"), head
        assert b"this request body is 200.0 MB; at most 1.0 MB is accepted" in body
    finally:
        child.terminate()
        child.wait(timeout=20)


def _deploy_unchecked_start_pattern(services, pattern: str) -> None:
    """A lifecycle version whose start form has `pattern`, stored as a deploy before this check would have."""
    import json

    from service.engine.bundle import split_bundles
    from service.store import queries
    from service.store.models import ProcessVersion

    with services.sessions() as session:
        files = dict(queries.newest_files(session))
        form = json.loads(files["forms/lifecycle/start.json"])
        form["properties"]["customer"]["pattern"] = pattern
        files["forms/lifecycle/start.json"] = json.dumps(form)
        [bundle] = [b for b in split_bundles(files) if b.process_id == "project_lifecycle"]
        session.add(ProcessVersion(process_id=bundle.process_id, name=bundle.name, content_hash=bundle.content_hash,
                                   version=queries.next_version_number(session, bundle.process_id),
                                   files=bundle.files, deployed_at=services.clock(), deployed_by="before-the-check"))
        session.commit()


@pytest.mark.parametrize(("pattern", "message"), [
    ("^(a+)+$", "does not match"),  # 30 s and a 500 with Python's re; the regex module needs no backtracking
    ("^(a|a)*$", "could not be checked in time"),  # backtracks in any engine: stopped at the time limit
])
def test_a_catastrophic_pattern_is_a_422_on_its_field_in_bounded_time(api, services, pattern, message):
    import time

    _deploy_unchecked_start_pattern(services, pattern)
    started = time.perf_counter()
    response = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"),
                               json={"data": {"customer_id": api.customer_id, "customer": "a" * 31 + "!"}})
    elapsed = time.perf_counter() - started
    assert response.status_code == 422, response.json
    assert message in response.json["errors"]["customer"][0]
    assert elapsed < 2.0, elapsed
    fine = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"),
                           json={"data": {"customer_id": api.customer_id, "customer": "aaaa"}})
    assert fine.status_code == 201, fine.json


def test_deploy_refuses_a_catastrophic_or_invalid_pattern_with_file_and_line(api, services):
    import json

    from service.store import queries

    with services.sessions() as session:
        files = dict(queries.newest_files(session))
    form = json.loads(files["forms/lifecycle/opportunity.json"])
    form["properties"]["product"]["pattern"] = "^(a+)+$"
    form["properties"]["kb_version"]["pattern"] = "^(a|aa)+$"
    form["properties"]["customer"] = {"type": "string", "pattern": "(unclosed"}
    text = json.dumps(form, indent=2)
    lines = text.splitlines()
    line = {p: next(i for i, row in enumerate(lines, 1) if json.dumps(p) in row)
            for p in ("^(a+)+$", "^(a|aa)+$", "(unclosed")}
    response = api.client.post("/api/v1/processes/deploy?with_deployed=true", headers=api.login("designer"),
                               content_type="multipart/form-data", data={
                                   "forms/lifecycle/opportunity.json": (io.BytesIO(text.encode()), "opportunity.json"),
                                   "bpmn/project_lifecycle.bpmn": (io.BytesIO(files["bpmn/project_lifecycle.bpmn"]
                                                                              .encode()), "project_lifecycle.bpmn")})
    assert response.status_code == 422, response.json
    problems = [p for p in response.json["errors"]["problems"] if "pattern" in p]
    assert any(p.startswith(f"forms/lifecycle/opportunity.json:{line['^(a+)+$']}: -: pattern '^(a+)+$' repeats")
               for p in problems), problems
    assert any(p.startswith(f"forms/lifecycle/opportunity.json:{line['^(a|aa)+$']}: -: pattern '^(a|aa)+$' takes "
                            "too long") for p in problems), problems
    assert any(p.startswith(f"forms/lifecycle/opportunity.json:{line['(unclosed']}: -: pattern '(unclosed' is not a "
                            "valid regular expression") for p in problems), problems


# Authorization before validation: who may not act at all hears 403 (or 401), whatever the body holds.
def _rep_task(api) -> tuple[dict, dict]:
    project = api.start_project()
    return project, project["open_tasks"][0]


def _frozen_by_admin(api) -> dict:
    project = api.start_project()
    frozen = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=api.login("admin"),
                             json={"reason": "audit"})
    assert frozen.status_code == 200 and frozen.json["frozen"], frozen.json
    return project


def _start(api, who, body):
    return api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login(who), json=body)


def _complete(api, who, body):
    _project, task = _rep_task(api)
    return api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login(who), json=body)


def _claim(api, who, body):
    _project, task = _rep_task(api)
    return api.client.post(f"/api/v1/tasks/{task['id']}/claim", headers=api.login(who), json=body)


def _reassign(api, who, body):
    _project, task = _rep_task(api)
    return api.client.post(f"/api/v1/tasks/{task['id']}/reassign", headers=api.login(who), json=body)


def _release(api, who, body):
    project = _frozen_by_admin(api)
    return api.client.post(f"/api/v1/instances/{project['id']}/release", headers=api.login(who), json=body)


def _change_customer(api, who, body):
    return api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=api.login(who), json=body)


def _deploy(api, who, body):
    return api.client.post("/api/v1/processes/deploy", headers=api.login(who), content_type="multipart/form-data",
                           data={"bpmn/x.bpmn": (io.BytesIO(b"not xml"), "x.bpmn")} if body else {})


def _save_person(api, who, body):
    return api.client.post("/api/v1/people", headers=api.login(who), json=body)


def _dashboard(api, who, body):
    return api.client.get(f"/api/v1/dashboards/process-health?days={body['days']}", headers=api.login(who))


# action, who may not act, invalid bodies (missing fields / wrong types), who may act (gets the 422 instead)
ORDER = [
    ("start outside the start lane", _start, "legal", [{"data": {}}, {"data": "x"}, {"business_key": 5}], "rep"),
    ("complete someone else's task", _complete, "sales_mgr", [{"data": {}}, {"data": "x"}, {"version": "x"}],
     "rep"),
    ("claim outside the task's group", _claim, "sales_mgr", [{"version": "x"}], None),
    ("reassign without managing the holder", _reassign, "rep", [{}, {"assignee": "nobody"}, {"assignee": 5}],
     "sales_mgr"),
    ("release without being in the release group", _release, "rep", [{"data": "x"}, {"version": "x"}], "admin"),
    ("change a customer without being sales", _change_customer, "legal", [{}, {"changes": "x"}], "rep"),
    ("deploy without being a designer", _deploy, "rep", [{}, {"broken": True}], "designer"),
    ("change the org chart without being an admin", _save_person, "rep", [{}, {"username": "?"}], "admin"),
    ("read every project's health without being a manager", _dashboard, "rep", [{"days": 0}], "vp"),
]


@pytest.mark.parametrize(("action", "act", "outsider", "bodies", "insider"), ORDER, ids=[row[0] for row in ORDER])
def test_403_comes_before_422_for_people_who_may_not_act(api, action, act, outsider, bodies, insider):
    for body in bodies:
        response = act(api, outsider, body)
        assert response.status_code == 403, (body, response.status_code, response.json)
        assert response.json["code"] == "forbidden"
    if insider is not None:
        assert act(api, insider, bodies[0]).status_code == 422  # the same body is invalid for who may act


def test_401_comes_before_422_without_a_token(api):
    for method, path, body in (("post", f"/api/v1/customers/{api.customer_id}/changes", {}),
                               ("post", "/api/v1/people", {}), ("get", "/api/v1/tasks?scope=nope", None),
                               ("get", "/api/v1/instances?per_page=0", None), ("get", "/api/v1/messages?limit=0", None),
                               ("post", "/api/v1/processes/project_lifecycle/instances", {"data": "x"})):
        response = getattr(api.client, method)(path, json=body)
        assert response.status_code == 401, (path, response.status_code)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(api, number):
    project = api.start_project()
    [task] = project["open_tasks"]
    import json

    from tests.api.test_tasks_api import OPPORTUNITY

    valid = json.dumps({"data": {**OPPORTUNITY, "customer_id": api.customer_id, "contract_value": 1}})
    response = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"),
                               data=valid.replace('"contract_value": 1', f'"contract_value": {number}'),
                               content_type="application/json")
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"data.contract_value": ["NaN and Infinity are not JSON numbers"]}


@pytest.mark.parametrize("customer_id", [10**30, 2**63, -5])
def test_an_id_no_row_can_have_is_a_4xx_not_a_database_error(api, customer_id):
    """PostgreSQL refused 10**30 as a bigint: the opportunity's customer_id answered 500."""
    from tests.api.test_tasks_api import OPPORTUNITY

    project = api.start_project()
    [task] = project["open_tasks"]
    response = api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login("rep"),
                               json={"data": {**OPPORTUNITY, "customer_id": customer_id}})
    assert 400 <= response.status_code < 500, response.json
    assert api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.login("rep")).json["status"] == "open"


def test_a_document_reference_no_row_can_have_is_a_form_error(api, services):
    from service.flows import documents
    from service.flows.errors import FormInvalid

    schema = {"properties": {"signed": {"type": "integer", "format": "document"}}}
    with services.sessions() as session, pytest.raises(FormInvalid) as refused:
        documents.check_references(session, schema, {"signed": 10**30}, 1, api.people["rep"])
    assert "signed" in refused.value.errors


def test_an_email_longer_than_its_column_is_422(api):
    """A 310-character address passed the e-mail check and PostgreSQL refused it: a 500."""
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
    response = api.client.post("/api/v1/people", headers=api.login("admin"),
                               json={"username": "longmail", "display_name": "Long Mail", "email": email})
    assert response.status_code == 422 and "email" in response.json["errors"], response.json


def test_json_nested_deeper_than_any_form_is_422_before_it_reaches_the_engine(api):
    project = _frozen_by_admin(api)
    deep: object = "bottom"
    for _ in range(600):
        deep = {"x": deep}
    response = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=api.login("admin"),
                               json={"data": {"notes": deep}})
    assert response.status_code == 422 and "nested deeper than 32 levels" in str(response.json["errors"])
    shallow = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=api.login("admin"),
                              json={"data": {}})
    assert shallow.status_code == 200, shallow.json


def test_a_user_id_beyond_64_bits_in_the_unlock_route_is_404(api):
    """Found by the schemathesis run: the route took any integer and SQLite could not bind it (a 500)."""
    response = api.client.post("/api/v1/people/36893488147419103231/unlock", headers=api.login("admin"))
    assert response.status_code == 404
