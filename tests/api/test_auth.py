"""Logging in: tokens, wrong passwords, expiry and revocation, all answered in JSON."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from service.store.models import User
from tests.api.conftest import PASSWORD


def test_a_person_logs_in_and_sees_who_they_are(api):
    me = api.client.get("/api/v1/me", headers=api.login("rep"))
    assert me.status_code == 200
    assert (me.json["username"], me.json["groups"]) == ("rep", ["sales", "technical-sales"])


def test_wrong_password_unknown_user_missing_or_forged_token_are_401_in_json(api):
    wrong = api.client.post("/api/v1/auth/token", json={"username": "rep", "password": "nope"})
    unknown = api.client.post("/api/v1/auth/token", json={"username": "ghost", "password": PASSWORD})
    missing = api.client.get("/api/v1/me")
    forged = api.client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    for response in (wrong, unknown, missing, forged):
        assert response.status_code == 401
        assert set(response.json) == {"code", "message", "errors"} and response.json["code"] == "unauthorized"


def test_changing_the_password_revokes_earlier_tokens(api, services):
    headers = api.login("rep")
    with services.sessions() as session:
        session.get(User, api.people["rep"]).password_hash = generate_password_hash("a new password")
        session.commit()
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_malformed_login_is_422_with_the_fields(api):
    response = api.client.post("/api/v1/auth/token", json={"username": ""})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"username", "password"}


def test_the_openapi_document_lists_every_route(api):
    paths = api.client.get("/api/openapi.json").json["paths"]
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/tasks", "/api/v1/tasks/{task_id}",
            "/api/v1/tasks/{task_id}/claim", "/api/v1/tasks/{task_id}/unclaim", "/api/v1/tasks/{task_id}/complete",
            "/api/v1/tasks/{task_id}/reassign", "/api/v1/processes", "/api/v1/processes/{process_id}/instances",
            "/api/v1/instances/{instance_id}"} <= set(paths)


def test_a_token_expires_after_twelve_hours(api):
    from datetime import timedelta

    from freezegun import freeze_time

    from service.clock import utcnow

    start = utcnow()
    with freeze_time(start) as clock:
        headers = api.login("rep")
        clock.move_to(start + timedelta(hours=11, minutes=59))
        assert api.client.get("/api/v1/me", headers=headers).status_code == 200
        clock.move_to(start + timedelta(hours=12, minutes=1))
        assert api.client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_broken_diagram_is_refused_with_file_line_and_element(api):
    import io

    broken = (b'<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
              b'id="d" targetNamespace="x">\n<bpmn:process id="p" isExecutable="true">\n'
              b'<bpmn:startEvent id="s"/>\n<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="w"/>\n'
              b'<bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition>\n'
              b'<bpmn:timeDuration>PT24Hours</bpmn:timeDuration></bpmn:timerEventDefinition>'
              b'</bpmn:intermediateCatchEvent>\n</bpmn:process>\n</bpmn:definitions>\n')
    response = api.client.post("/api/v1/processes/deploy", headers=api.login("designer"),
                               data={"bpmn/late.bpmn": (io.BytesIO(broken), "late.bpmn")})
    assert response.status_code == 422 and response.json["code"] == "invalid_process"
    assert any(p.startswith("bpmn/late.bpmn:7: w: ") and "PT24Hours" in p
               for p in response.json["errors"]["problems"]), response.json


def test_a_service_account_token_lasts_as_long_as_it_was_issued_for(api, services):
    from datetime import timedelta

    from freezegun import freeze_time

    from service.api.auth import issue_token
    from service.clock import utcnow
    from service.store.models import User

    start = utcnow()
    with freeze_time(start) as clock:
        with api.client.application.app_context(), services.sessions() as session:
            token = issue_token(session.get(User, api.people["admin"]), ttl_s=30 * 86400)
        headers = {"Authorization": f"Bearer {token}"}
        clock.move_to(start + timedelta(days=29))
        assert api.client.get("/api/v1/me", headers=headers).status_code == 200
        clock.move_to(start + timedelta(days=31))
        assert api.client.get("/api/v1/me", headers=headers).status_code == 401
