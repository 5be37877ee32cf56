"""Every JSON body is checked against its schema: types, lengths and references (issue 13, item 7).

A wrong type is a 422 naming the field, never a 500 and never a stored value that breaks a
later read for everybody.
"""

from __future__ import annotations

import io

import pytest

LONG = "x" * 101

BAD_CHANGES = [
    ({"decision_makers": "x"}, "decision_makers"),
    ({"decision_makers": [{"name": "Ann"}]}, "decision_makers"),  # a role is required
    ({"decision_makers": [{"name": "Ann", "role": "cio", "typename": "UUID"}]}, "decision_makers"),
    ({"decision_makers": [{"name": "Ann", "role": LONG * 2}]}, "decision_makers"),
    ({"complaint_types": {"slow": True}}, "complaint_types"),
    ({"complaint_types": [LONG]}, "complaint_types"),
    ({"complaint_types": [1, 2]}, "complaint_types"),
    ({"budget": "not a number"}, "budget"),
    ({"budget": "900000"}, "budget"),
    ({"budget": 12.5}, "budget"),
    ({"budget": -1}, "budget"),
    ({"budget": 10**20}, "budget"),
    ({"executive_attention": "maybe"}, "executive_attention"),
    ({"executive_attention": 1}, "executive_attention"),
    ({"executive_attention": None}, "executive_attention"),
    ({"industry": LONG}, "industry"),
    ({"industry": ["education"]}, "industry"),
    ({"sla_achievement": 2}, "sla_achievement"),
    ({"sla_achievement": "0.9"}, "sla_achievement"),
    ({"name": "Someone Else Inc."}, "name"),  # not editable
]


@pytest.mark.parametrize(("changes", "field"), BAD_CHANGES, ids=[repr(c)[:60] for c, _ in BAD_CHANGES])
def test_a_customer_change_of_the_wrong_type_or_size_is_a_422_and_changes_nothing(api, changes, field):
    rep = api.login("rep")
    before = api.client.get(f"/api/v1/customers/{api.customer_id}", headers=rep).json
    refused = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=rep,
                              json={"changes": changes})
    assert refused.status_code == 422, refused.json
    assert refused.json["code"] == "invalid_request" and field in refused.json["errors"]["changes"]
    for viewer in ("rep", "delivery", "admin"):  # and the list still answers for everybody
        listed = api.client.get("/api/v1/customers", headers=api.login(viewer))
        assert listed.status_code == 200 and listed.json == [before]


def test_a_well_typed_customer_change_is_stored_and_read_back_as_sent(api):
    rep = api.login("rep")
    changes = {"industry": "x" * 100, "budget": 950000, "executive_attention": True, "sla_achievement": 0.875,
               "complaint_types": ["slow incident response"],
               "decision_makers": [{"name": "Li Wei", "role": "principal", "phone": "+86 10 5555 0101"}]}
    changed = api.client.post(f"/api/v1/customers/{api.customer_id}/changes", headers=rep,
                              json={"changes": changes})
    assert changed.status_code == 200, changed.json
    [customer] = api.client.get("/api/v1/customers", headers=api.login("delivery")).json
    assert {key: customer[key] for key in changes} == changes


def test_a_requirement_freeze_of_a_project_the_starter_cannot_see_is_refused(api):
    others = api.start_project("rep2")
    mine = api.start_project("rep")
    rep = api.login("rep")
    for project_id in (others["id"], 10**12, "41"):
        refused = api.client.post("/api/v1/processes/requirement_freeze/instances", headers=rep,
                                  json={"data": {"project_id": project_id, "customer": "ACME Education"}})
        assert refused.status_code == 422 and "project_id" in refused.json["errors"], refused.json
    started = api.client.post("/api/v1/processes/requirement_freeze/instances", headers=rep,
                              json={"data": {"project_id": mine["id"], "customer": "ACME Education"}})
    assert started.status_code == 201, started.json
    # someone outside the start lane (sales) is refused as such, before anything is said about the project
    refused = api.client.post("/api/v1/processes/requirement_freeze/instances", headers=api.login("legal"),
                              json={"data": {"project_id": others["id"], "customer": "ACME Education"}})
    assert refused.status_code == 403 and "project_id" not in refused.json["errors"]


def test_a_project_for_a_customer_that_does_not_exist_is_a_422_on_the_field(api):
    refused = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"),
                              json={"data": {"customer_id": 999999, "customer": "Nobody"}})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"customer_id": ["no customer 999999 that you can see"]}


@pytest.mark.parametrize(("body", "field"), [
    ({"username": "newbie", "display_name": "N", "email": "a@" + ".".join(["b" * 60] * 5) + ".example"}, "email"),
    ({"username": "newbie", "display_name": "N", "manager": "m" * 101}, "manager"),
    ({"username": "newbie", "display_name": "N", "groups": [f"g{i}" for i in range(101)]}, "groups"),
    ({"username": "newbie", "display_name": "N", "active": "maybe"}, "active"),
])
def test_a_person_with_fields_too_long_for_their_columns_is_a_422(api, body, field):
    refused = api.client.post("/api/v1/people", headers=api.login("admin"), json=body)
    assert refused.status_code == 422 and field in refused.json["errors"], refused.json


@pytest.mark.parametrize("query", ["process_id=" + "p" * 201, "stage=" + "s" * 101, "per_page=201", "page=0"])
def test_instance_list_filters_are_bounded(api, query):
    assert api.client.get(f"/api/v1/instances?{query}", headers=api.login("rep")).status_code == 422


def test_a_document_for_an_instance_that_is_not_a_number_is_refused_not_left_unattached(api):
    refused = api.client.post("/api/v1/documents", headers=api.login("rep"),
                              data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf", "application/pdf"),
                                    "instance_id": "the ACME project"})
    assert refused.status_code == 422 and "instance_id" in refused.json["message"]
