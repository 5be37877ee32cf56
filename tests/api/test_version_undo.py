"""Issue 9.6: a designer can always roll back. Re-uploading the previous, good file after a broken one was
deployed makes the good content the newest again (a new version number); so does the explicit
`POST /processes/{id}/versions/{v}/activate`. Running instances stay on their version."""

from __future__ import annotations

import io
from pathlib import Path

from service.flows import instances
from tests.support import instance, task_by_element

GOOD = (Path(__file__).resolve().parents[2] / "bpmn" / "lead_response.bpmn").read_text(encoding="utf-8")
BROKEN = GOOD.replace('name="Open and follow up the lead"', 'name="Broken: nobody should see this"')
LEAD = {"company": "Northside High", "industry": "education", "budget": 600000, "decision_maker_level": "principal"}


def upload(api, text: str, as_user: str = "designer"):
    return api.client.post("/api/v1/processes/deploy?with_deployed=true", headers=api.login(as_user),
                           data={"bpmn/lead_response.bpmn": (io.BytesIO(text.encode()), "lead_response.bpmn")})


def versions(api) -> list[dict]:
    response = api.client.get("/api/v1/processes/lead_response/versions", headers=api.login("designer"))
    assert response.status_code == 200, response.json
    return response.json


def activate(api, version: int, as_user: str = "designer"):
    return api.client.post(f"/api/v1/processes/lead_response/versions/{version}/activate", headers=api.login(as_user))


def new_lead(services) -> tuple[int, str]:
    """Starts a lead as a new instance would; returns its version number and the task name people see."""
    started = instances.start_process(services, "lead_response", dict(LEAD))
    return (instance(services, started.instance_id).process_version.version,
            task_by_element(services, started.instance_id, "follow_up_lead").name)


def test_re_uploading_the_good_file_after_a_broken_one_makes_it_the_newest_again(api, services):
    good_hash = versions(api)[0]["content_hash"]
    on_good = instances.start_process(services, "lead_response", dict(LEAD)).instance_id

    broken = upload(api, BROKEN)
    assert broken.status_code == 201, broken.json
    assert [(d["version"], d["created"]) for d in broken.json] == [(2, True)]
    assert new_lead(services) == (2, "Broken: nobody should see this")

    undone = upload(api, GOOD)
    assert undone.status_code == 201, undone.json
    assert [(d["version"], d["created"], d["restores"]) for d in undone.json] == [(3, True, 1)]
    newest = versions(api)[0]
    assert (newest["version"], newest["content_hash"]) == (3, good_hash)
    assert new_lead(services) == (3, "Open and follow up the lead")

    again = upload(api, GOOD)  # identical to the newest: nothing changed
    assert again.status_code == 201, again.json
    assert [(d["version"], d["created"]) for d in again.json] == [(3, False)]
    assert [v["version"] for v in versions(api)] == [3, 2, 1]
    assert instance(services, on_good).process_version.version == 1  # running instances stay on theirs


def test_activating_an_older_version_brings_its_files_back_as_a_new_version(api, services):
    assert upload(api, BROKEN).status_code == 201
    on_broken = instances.start_process(services, "lead_response", dict(LEAD)).instance_id

    made_current = activate(api, 1)
    assert made_current.status_code == 201, made_current.json
    assert (made_current.json["version"], made_current.json["created"], made_current.json["restores"]) == (3, True, 1)
    listed = versions(api)
    assert [v["version"] for v in listed] == [3, 2, 1]
    assert listed[0]["content_hash"] == listed[2]["content_hash"]
    assert listed[0]["deployed_by"] == "designer"
    assert new_lead(services) == (3, "Open and follow up the lead")
    assert instance(services, on_broken).process_version.version == 2
    assert task_by_element(services, on_broken, "follow_up_lead").name == "Broken: nobody should see this"

    newest = activate(api, 3)  # already current
    assert newest.status_code == 200, newest.json
    assert (newest.json["version"], newest.json["created"]) == (3, False)
    assert activate(api, 2, as_user="admin").status_code == 201  # admins deploy too
    assert [v["version"] for v in versions(api)] == [4, 3, 2, 1]


def test_only_designers_activate_and_unknown_versions_are_not_found(api):
    assert upload(api, BROKEN).status_code == 201
    refused = activate(api, 1, as_user="rep")
    assert refused.status_code == 403, refused.json
    assert api.client.post("/api/v1/processes/lead_response/versions/1/activate").status_code == 401
    missing = activate(api, 99)
    assert missing.status_code == 404 and "no version 99" in missing.json["message"], missing.json
    assert activate(api, 2**40).status_code == 404  # beyond any version number: no 500 from the database
    unknown = api.client.post("/api/v1/processes/nope/versions/1/activate", headers=api.login("designer"))
    assert unknown.status_code == 404
    assert [v["version"] for v in versions(api)] == [2, 1]  # nothing was changed by the refusals


def test_an_older_version_that_no_longer_passes_the_checks_is_not_made_current(api, services):
    """A version row that arrived another way (a restore, an older release) is checked like a deploy."""
    from service.clock import utcnow
    from service.store.models import ProcessVersion

    broken_timer = GOOD.replace('"PT2H"', "PT2Hours", 1)  # not ISO 8601: refused by today's checks
    with services.sessions() as session:
        session.add(ProcessVersion(process_id="lead_response", version=2, name="Lead response",
                                   content_hash="f" * 64, files={"bpmn/lead_response.bpmn": broken_timer},
                                   deployed_at=utcnow(), deployed_by="restore"))
        session.add(ProcessVersion(process_id="lead_response", version=3, name="Lead response",
                                   content_hash="e" * 64, files={"bpmn/lead_response.bpmn": GOOD},
                                   deployed_at=utcnow(), deployed_by="restore", unusable_reason="ValueError: lost"))
        session.commit()

    refused = activate(api, 2)
    assert refused.status_code == 422, refused.json
    assert any(line.startswith("bpmn/lead_response.bpmn:") and "PT2Hours" in line
               for lines in refused.json["errors"].values() for line in lines), refused.json
    unusable = activate(api, 3)
    assert unusable.status_code == 409 and "ValueError: lost" in unusable.json["message"], unusable.json
    assert [v["version"] for v in versions(api)] == [3, 2, 1]  # nothing was added
