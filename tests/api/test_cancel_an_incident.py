"""An instance stopped by an incident can be cancelled instead of repaired: the incident is resolved with it."""

from __future__ import annotations

from freezegun import freeze_time

from tests.api.test_incidents import T0, incident_after_an_hour
from tests.support import events, instance


def test_cancelling_an_errored_instance_resolves_its_incident(api, services):
    with freeze_time(T0) as clock:
        incident = incident_after_an_hour(api, services, clock)
        answer = api.client.post(f"/api/v1/instances/{incident['instance_id']}/cancel", headers=api.login("admin"),
                                 json={"version": incident["instance_version"], "reason": "test project, not a deal"})
        assert answer.status_code == 200, answer.json
        assert answer.json["status"] == "cancelled"
        assert api.client.get("/api/v1/incidents", headers=api.login("admin")).json == []
        resolved = api.client.get(f"/api/v1/incidents/{incident['id']}", headers=api.login("admin")).json
        assert (resolved["status"], resolved["resolution"], resolved["reason"]) == (
            "resolved", "cancelled", "test project, not a deal")
        retry = api.client.post(f"/api/v1/incidents/{incident['id']}/retry", headers=api.login("admin"),
                                json={"version": answer.json["version"], "reason": "too late"})
        assert retry.status_code == 409, retry.json
    assert instance(services, incident["instance_id"]).status == "cancelled"
    [entry] = events(services, "incident_cancelled", incident["instance_id"])
    assert entry.actor_id == api.people["admin"]
