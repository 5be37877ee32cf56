"""A partner system reaches waiting instances over HTTP: POST /correlations, POST /signals, GET .../waits.

The sender is a service account in the ``integrations`` group with a long-lived token (``handoff
token``), as an e-signature provider or a finance system would hold. Every construct of
tests/fixtures/messages is driven from its start to its end through the API alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.api.auth import issue_token
from service.engine.bundle import read_tree
from service.flows.deploy import deploy
from service.store.models import Group, Membership, User
from tests.support import FIXTURES, instance, run_jobs

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def partner(api, services) -> dict[str, str]:
    """The fixtures deployed, and the headers of a service account in ``integrations``."""
    deploy(services, read_tree(FIXTURES / "messages"), "tests", on_top_of_deployed=True)
    with services.sessions() as session:
        group = session.query(Group).filter_by(name="integrations").one()
        bot = User(username="esign_bot", display_name="E-signature provider", created_at=T0)
        session.add(bot)
        session.flush()
        session.add(Membership(user_id=bot.id, group_id=group.id))
        session.commit()
        with api.client.application.app_context():
            token = issue_token(bot, ttl_s=365 * 86400)
    return {"Authorization": f"Bearer {token}"}


def start(api, process_id, data=None, business_key=None) -> dict:
    answer = api.client.post(f"/api/v1/processes/{process_id}/instances", headers=api.login("rep"),
                             json={"data": data or {}, "business_key": business_key})
    assert answer.status_code == 201, answer.json
    return answer.json


def view(api, instance_id, username="admin") -> dict:
    answer = api.client.get(f"/api/v1/instances/{instance_id}", headers=api.login(username))
    assert answer.status_code == 200, answer.json
    return answer.json


def waits(api, instance_id) -> list[tuple[str, str, str]]:
    answer = api.client.get(f"/api/v1/instances/{instance_id}/waits", headers=api.login("rep"))
    assert answer.status_code == 200, answer.json
    return [(w["kind"], w["name"], w["element_id"]) for w in answer.json]


def correlate(api, headers, body, status=200, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    answer = api.client.post("/api/v1/correlations", headers={**headers, **extra}, json=body)
    assert answer.status_code == status, answer.json
    return answer.json


def signal(api, headers, body, status=200):
    answer = api.client.post("/api/v1/signals", headers=headers, json=body)
    assert answer.status_code == status, answer.json
    return answer.json


def test_an_e_signature_callback_completes_the_receive_task_by_business_key(api, partner):
    started = start(api, "msg_receive_task", {"contract": "C-7"}, business_key="C-7")
    assert waits(api, started["id"]) == [("message", "contract_signed", "Activity_0rcv1ct")]
    done = correlate(api, partner, {"message": "contract_signed", "business_key": "C-7",
                                    "payload": {"signed_by": "Ann Lee"}})
    assert done == {"kind": "message", "name": "contract_signed", "delivered_to": [started["id"]], "started": [],
                    "skipped": []}
    after = view(api, started["id"])
    assert after["status"] == "completed" and after["data"]["signed_by"] == "Ann Lee"
    assert waits(api, started["id"]) == []


def test_a_finance_confirmation_by_correlation_keys_and_the_409_when_several_match(api, partner):
    first = start(api, "msg_catch_event", {"invoice": "I-1"})["id"]
    second = start(api, "msg_catch_event", {"invoice": "I-2"})["id"]
    refused = correlate(api, partner, {"message": "payment_confirmed"}, status=409)
    assert refused["code"] == "ambiguous_correlation" and refused["errors"]["instance_ids"] == [first, second]
    camunda_style = {"message": "payment_confirmed", "correlation_keys": {"invoice": {"value": "I-2",
                                                                                       "type": "String"}},
                     "payload": {"paid": 800000}}
    assert correlate(api, partner, camunda_style)["delivered_to"] == [second]
    assert [t["element_id"] for t in view(api, second)["open_tasks"]] == ["Activity_0thank1"]
    assert view(api, first)["open_tasks"] == [] and waits(api, first)
    assert correlate(api, partner, camunda_style, status=404)["code"] == "not_found"


def test_a_message_start_event_starts_an_instance(api, partner):
    done = correlate(api, partner, {"message": "order_received", "business_key": "ORD-1", "payload": {"items": 2}})
    [started] = done["started"]
    shown = view(api, started)
    assert (shown["process_id"], shown["business_key"], shown["data"]["items"]) == ("msg_start_event", "ORD-1", 2)
    assert [t["element_id"] for t in shown["open_tasks"]] == ["Activity_0handle1"]


def test_the_event_based_gateway_both_ways(api, partner, services):
    answered = start(api, "msg_event_gateway")["id"]
    correlate(api, partner, {"message": "answer_received", "instance_id": answered})
    assert view(api, answered)["status"] == "completed"
    with freeze_time(T0) as clock:
        timed_out = start(api, "msg_event_gateway")["id"]
        timers = api.client.get(f"/api/v1/instances/{timed_out}/timers", headers=api.login("rep")).json
        assert [t["element_id"] for t in timers] == ["Event_0late1tm"]
        clock.move_to(T0 + timedelta(days=1, seconds=1))
        run_jobs(services)
    assert instance(services, timed_out).status == "completed"
    assert correlate(api, partner, {"message": "answer_received", "instance_id": timed_out}, status=404)


def test_a_signal_broadcast_and_a_signal_start(api, partner):
    waiting = [start(api, "msg_signal_catch", {"quote": q})["id"] for q in ("Q-1", "Q-2")]
    done = signal(api, partner, {"signal": "prices_published", "payload": {"price_list": "2026-03"}})
    assert done["delivered_to"] == waiting and len(done["started"]) == 1
    assert all(view(api, i)["status"] == "completed" for i in waiting)
    assert view(api, done["started"][0])["process_id"] == "msg_signal_start"


def test_boundary_events_and_event_subprocesses_over_http(api, partner):
    task = start(api, "msg_boundary_task")["id"]
    sub = start(api, "msg_boundary_subprocess")["id"]
    event_sub = start(api, "msg_event_subprocess")["id"]
    signal(api, partner, {"signal": "terms_updated"})
    assert sorted(t["element_id"] for t in view(api, task)["open_tasks"]) == ["Activity_0reread1",
                                                                              "Activity_0review2"]
    correlate(api, partner, {"message": "order_cancelled", "instance_id": task})
    assert [t["element_id"] for t in view(api, task)["open_tasks"]] == ["Activity_0reread1"]
    signal(api, partner, {"signal": "scope_changed"})
    correlate(api, partner, {"message": "delivery_stopped", "instance_id": sub})
    assert [t["element_id"] for t in view(api, sub)["open_tasks"]] == ["Activity_0note1s"]
    signal(api, partner, {"signal": "audit_requested"})
    assert len(view(api, event_sub)["open_tasks"]) == 2
    correlate(api, partner, {"message": "order_cancelled", "instance_id": event_sub})
    assert view(api, event_sub)["status"] == "completed" and view(api, event_sub)["open_tasks"] == []


def test_who_may_send(api, partner):
    start(api, "msg_signal_catch")
    assert signal(api, api.login("rep"), {"signal": "prices_published"}, status=403)["code"] == "forbidden"
    assert correlate(api, api.login("rep"), {"bad": "body"}, status=403)["code"] == "forbidden"  # 403 before 422
    assert api.client.post("/api/v1/signals", json={"signal": "x"}).status_code == 401
    assert signal(api, api.login("admin"), {"signal": "prices_published"})["delivered_to"]


def test_bad_bodies_are_422_with_the_fields(api, partner):
    assert set(correlate(api, partner, {}, status=422)["errors"]) == {"message"}
    assert "correlation_keys" in correlate(api, partner, {"message": "m", "correlation_keys": {"k": [1]}},
                                           status=422)["errors"]
    assert "instance_id" in correlate(api, partner, {"message": "m", "instance_id": "12"}, status=422)["errors"]
    assert "payload" in signal(api, partner, {"signal": "s", "payload": [1]}, status=422)["errors"]
    assert signal(api, partner, {"signal": "nobody_listens"}, status=404)["code"] == "not_found"


def test_a_retried_correlation_acts_once(api, partner):
    first = start(api, "msg_catch_event", {"invoice": "I-5"})["id"]
    body = {"message": "payment_confirmed", "instance_id": first, "payload": {"n": 1}}
    once = correlate(api, partner, body, key="confirm-I-5")
    again = correlate(api, partner, body, key="confirm-I-5")
    assert once == again and once["delivered_to"] == [first]
    started = correlate(api, partner, {"message": "order_received"}, key="order-1")
    assert correlate(api, partner, {"message": "order_received"}, key="order-1") == started
    assert len(started["started"]) == 1
    assert correlate(api, partner, {"message": "other"}, key="order-1", status=422)
    headers = {**partner, "Idempotency-Key": "prices-2026-03"}
    broadcast = api.client.post("/api/v1/signals", headers=headers, json={"signal": "prices_published"})
    retried = api.client.post("/api/v1/signals", headers=headers, json={"signal": "prices_published"})
    assert broadcast.status_code == retried.status_code == 200 and broadcast.json == retried.json
    assert len(broadcast.json["started"]) == 1  # the signal start started one instance, not two


def test_the_openapi_document_describes_them(api):
    paths = api.client.get("/api/openapi.json").json["paths"]
    assert {"/api/v1/correlations", "/api/v1/signals", "/api/v1/instances/{instance_id}/waits"} <= set(paths)
    assert "409" in paths["/api/v1/correlations"]["post"]["responses"]


def test_the_people_inbox_is_still_the_messages_resource(api, partner):
    inbox = api.client.get("/api/v1/messages", headers=api.login("rep"))
    assert inbox.status_code == 200 and set(inbox.json) == {"unread", "messages"}
    assert api.client.post("/api/v1/messages", headers=partner, json={"message": "x"}).status_code == 405
