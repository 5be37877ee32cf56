"""Multi-instance activities: one task row per instance, the element in each task's data, completion conditions,
sequential and parallel, over camunda:collection, the standard loopDataInputRef or a cardinality; also on
embedded sub-processes and call activities (diagrams in tests/fixtures/constructs)."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.demo import seed_people
from tests.constructs import complete, deploy_constructs, engine_data, open_elements, rows, start, status
from tests.support import instance

PASSWORD = "s3cret-enough"


@pytest.fixture
def people(services):
    return deploy_constructs(services)


def test_parallel_collection_opens_one_task_per_element_and_stops_at_the_completion_condition(services, people):
    reviewers = ["delivery", "delivery_head", "someone_new"]
    instance_id = start(services, people, "construct_mi_collection", {"reviewers": reviewers}, who="delivery")
    open_rows = rows(services, instance_id, "review_item", "open")
    assert len(open_rows) == 3
    assert {r.candidate_group for r in open_rows} == {"delivery"}
    seen = {engine_data(services, instance_id, r)["reviewer"]: r for r in open_rows}
    assert sorted(seen) == sorted(reviewers)
    assert sorted(engine_data(services, instance_id, r)["loopCounter"] for r in open_rows) == [0, 1, 2]
    # camunda:assignee="${reviewer}": each instance goes to its reviewer; a name nobody has stays with the group
    assert seen["delivery"].assignee_id == people["delivery"]
    assert seen["delivery_head"].assignee_id == people["delivery_head"]
    assert seen["someone_new"].assignee_id is None

    complete(services, people, seen["delivery"], "delivery", {"approved": True})
    assert len(rows(services, instance_id, "review_item", "open")) == 2
    complete(services, people, seen["delivery_head"], "delivery_head", {"approved": False, "comment": "too short"})
    # ${nrOfCompletedInstances >= 2}: the third review is no longer needed
    assert sorted(r.status for r in rows(services, instance_id, "review_item")) == ["cancelled", "completed",
                                                                                   "completed"]
    assert rows(services, instance_id, "review_item", "cancelled")[0].id == seen["someone_new"].id
    assert open_elements(services, instance_id) == ["summarize"]
    summary = engine_data(services, instance_id, rows(services, instance_id, "summarize")[0])
    assert "reviewer" not in summary and "loopCounter" not in summary  # each instance's own variables
    assert summary["reviewers"] == reviewers

    complete(services, people, rows(services, instance_id, "summarize")[0], "delivery", {"done": True})
    assert status(services, instance_id) == "completed"


def test_the_task_page_shows_the_element_of_its_instance(services, people):
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    instance_id = start(services, people, "construct_mi_collection", {"reviewers": ["ana", "ben"]}, who="delivery")
    # nobody is called ana or ben: both tasks stay with the delivery group, whose members see them
    client = create_app(services.config, services).test_client()
    token = client.post("/api/v1/auth/token", json={"username": "delivery", "password": PASSWORD}).json["token"]
    shown = []
    for row in rows(services, instance_id, "review_item", "open"):
        response = client.get(f"/api/v1/tasks/{row.id}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        shown.append(response.json["data"]["reviewer"])
    assert sorted(shown) == ["ana", "ben"]


def test_sequential_standard_loop_input_then_a_cardinality(services, people):
    instance_id = start(services, people, "construct_mi_standard", {"items": ["cable", "router"], "copies": 2},
                        who="delivery")
    for expected in ("cable", "router"):  # one at a time, in order
        open_rows = rows(services, instance_id, "check_item", "open")
        assert len(open_rows) == 1
        assert engine_data(services, instance_id, open_rows[0])["item"] == expected
        complete(services, people, open_rows[0], "delivery", {"done": True})
    copies = rows(services, instance_id, "sign_copy", "open")
    assert len(copies) == 2  # loopCardinality "copies", in parallel
    assert "item" not in engine_data(services, instance_id, copies[0])
    for row in copies:
        complete(services, people, row, "delivery", {"done": True})
    assert status(services, instance_id) == "completed"


def test_multi_instance_sub_process_and_call_activity(services, people):
    instance_id = start(services, people, "construct_mi_activities", {"sites": ["Lyon", "Turin"]}, who="delivery")
    for counter, expected in enumerate(("Lyon", "Turin")):  # sequential embedded sub-process, one after the other
        open_rows = rows(services, instance_id, "inspect_site", "open")
        assert len(open_rows) == 1
        data = engine_data(services, instance_id, open_rows[0])
        assert (data["site"], data["loopCounter"]) == (expected, counter)
        complete(services, people, open_rows[0], "delivery", {"done": True})

    visits = rows(services, instance_id, "report_visit", "open")  # parallel call activity of another file
    assert len(visits) == 2
    data = [engine_data(services, instance_id, r) for r in visits]
    assert sorted(d["site"] for d in data) == ["Lyon", "Turin"]
    assert all("sites" not in d for d in data)  # camunda:in passes only the site
    for row, d in zip(visits, data, strict=True):
        complete(services, people, row, "delivery", {"visit_report": f"{d['site']} is ready"})
    assert status(services, instance_id) == "completed"
    assert instance(services, instance_id).data["visit_report"] in ("Lyon is ready", "Turin is ready")



@pytest.mark.parametrize("fixture", ["corpus/spiffworkflow/camunda/parallel_multiinstance_collection.bpmn",
                                     "corpus/spiffworkflow/bpmn/parallel_multiinstance_loop_input.bpmn"])
def test_a_missing_collection_fails_at_the_activity_in_words(services, fixture):
    """SpiffWorkflow's own diagrams started with no data: the failure names the activity and the collection."""
    from tests.driver import FIXTURES, drive

    outcomes = drive(services, FIXTURES / fixture)
    assert [o.kind for o in outcomes] == ["failed"]
    assert "is not in the process data" in outcomes[0].detail and " at " in outcomes[0].detail
    assert "NoneType" not in outcomes[0].detail
