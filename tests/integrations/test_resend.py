"""A delivery that gave up is resent once its receiver is fixed: same row, same id, same key; admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from service.app import create_app
from service.flows import outbox
from service.store.models import AuditEvent, Outbox, User
from tests.support import run_jobs

T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
PASSWORD = "resend-pass-123"


def _rows(services, channel: str) -> list[Outbox]:
    with services.sessions() as session:
        return list(session.scalars(select(Outbox).where(Outbox.channel == channel).order_by(Outbox.id)))


def _client(services, *usernames: str):
    with services.sessions() as session:
        for user in session.scalars(select(User).where(User.username.in_(usernames))):
            user.password_hash = generate_password_hash(PASSWORD)
        session.commit()
    client = create_app(services.config, services).test_client()
    headers = {}
    for name in usernames:
        token = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
    return client, headers


def _fail_for_good(services, library, clock) -> Outbox:
    library.won_project()
    clock.move_to(T0 + timedelta(hours=24, seconds=1))  # the manager's chat is told, and answers 500
    run_jobs(services)
    for _ in range(outbox.MAX_ATTEMPTS + 1):
        clock.tick(timedelta(hours=1))
        run_jobs(services)
    [row] = _rows(services, "webhook")
    assert row.status == "failed"
    return row


def test_a_failed_delivery_is_listed_and_resent_once_the_receiver_is_fixed(services, library, broken):
    client, headers = _client(services, "admin")
    with freeze_time(T0) as clock:
        row = _fail_for_good(services, library, clock)
        listed = client.get("/api/v1/deliveries?status=failed&channel=webhook", headers=headers["admin"])
        assert listed.status_code == 200
        [shown] = listed.json
        assert (shown["id"], shown["attempts"], shown["status"]) == (row.id, outbox.MAX_ATTEMPTS, "failed")
        assert shown["last_error"].startswith("WebhookFailed: HTTP 500")
        broken.default = 200  # the receiver is fixed
        resent = client.post(f"/api/v1/deliveries/{row.id}/resend", headers=headers["admin"])
        assert resent.status_code == 200 and resent.json == {"resent": [row.id]}
        run_jobs(services)
    [again] = _rows(services, "webhook")
    assert (again.id, again.status, again.attempts, again.dedup_key) == (row.id, "sent", 1, row.dedup_key)
    assert len(broken.requests) == outbox.MAX_ATTEMPTS + 1
    keys = {request.headers["idempotency-key"] for request in broken.requests}
    assert keys == {str(row.id)}  # the receiver sees the same identity: it can drop a copy
    second = client.post(f"/api/v1/deliveries/{row.id}/resend", headers=headers["admin"])
    assert second.status_code == 409 and "sent" in second.json["message"]
    with services.sessions() as session:
        entry = session.scalar(select(AuditEvent).where(AuditEvent.kind == "delivery_resent"))
        assert entry.actor_id == library.people["admin"] and entry.data["outbox_ids"] == [row.id]


def test_every_failed_delivery_of_a_channel_is_resent_and_only_admins_may(services, library, broken):
    client, headers = _client(services, "admin", "sales_mgr")
    with freeze_time(T0) as clock:
        row = _fail_for_good(services, library, clock)
        for path, method in (("/api/v1/deliveries", "get"), (f"/api/v1/deliveries/{row.id}/resend", "post"),
                             ("/api/v1/deliveries/resend", "post")):
            refused = getattr(client, method)(path, headers=headers["sales_mgr"], json={"channel": "webhook"})
            assert refused.status_code == 403, path
            assert refused.json["message"] == "only admins can resend deliveries"
        bad = client.post("/api/v1/deliveries/resend", headers=headers["admin"], json={})
        assert bad.status_code == 422 and "channel" in bad.json["errors"], bad.json
        broken.default = 200
        resent = client.post("/api/v1/deliveries/resend", headers=headers["admin"], json={"channel": "webhook"})
        assert resent.json == {"resent": [row.id]}
        run_jobs(services)
        nothing = client.post("/api/v1/deliveries/resend", headers=headers["admin"], json={"channel": "webhook"})
        assert nothing.json == {"resent": []}
    assert _rows(services, "webhook")[0].status == "sent"
    assert client.get("/api/v1/deliveries/999999/resend", headers=headers["admin"]).status_code == 405
    assert client.post("/api/v1/deliveries/999999/resend", headers=headers["admin"]).status_code == 404
