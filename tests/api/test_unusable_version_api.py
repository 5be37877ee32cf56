"""Issue 13.7 over HTTP: starting a version whose files do not load is a clear 409, not a 500."""

from __future__ import annotations

from tests.jobs.test_unusable_version import insert_broken_versions


def test_starting_an_unusable_version_answers_409(api, services):
    insert_broken_versions(services)
    for process_id in ("broken_json", "broken_deep"):
        for _ in range(2):  # the first meets the broken files and marks the version; the second reads the mark
            answer = api.client.post(f"/api/v1/processes/{process_id}/instances", headers=api.login("rep"),
                                     json={"data": {}})
            assert answer.status_code == 409, answer.json
            assert answer.json["code"] == "version_unusable"
            assert "its files do not load" in answer.json["message"]
    assert api.start_project()["status"] == "running"  # the other processes start as ever
