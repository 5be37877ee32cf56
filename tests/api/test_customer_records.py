"""Admins create, edit and find customer records; a new customer can be chosen when a project starts."""

from __future__ import annotations

import re

from tests.api.conftest import PASSWORD
from tests.library import Library
from tests.support import events, inbox, run_jobs


def page_client(api, username: str):
    client = api.client.application.test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"csrf": csrf, "username": username, "password": PASSWORD}).status_code == 302
    return client


def test_an_admin_creates_a_customer_that_a_rep_can_start_a_project_for(api, services):
    admin = api.login("admin")
    created = api.client.post("/api/v1/customers", headers=admin, json={
        "name": "  Northwind   Schools ", "industry": "education", "budget": 250000,
        "decision_makers": [{"name": "Ana Ruiz", "role": "principal"}]})
    assert created.status_code == 201, created.json
    customer = created.json
    assert (customer["name"], customer["budget"], customer["executive_attention"]) == ("Northwind Schools", 250000,
                                                                                     False)
    [entry] = events(services, "customer_created")
    assert (entry.actor_id, entry.data["customer_id"]) == (api.people["admin"], customer["id"])

    # The start form lists it (x-choices: customers), and starting a project for it passes x-references.
    page = page_client(api, "rep").get("/start/project_lifecycle").get_data(as_text=True)
    assert f'"enum": [{api.customer_id}, {customer["id"]}]' in page and "Northwind Schools" in page
    started = api.client.post("/api/v1/processes/project_lifecycle/instances", headers=api.login("rep"),
                              json={"data": {"customer_id": customer["id"], "customer": "Northwind Schools"}})
    assert started.status_code == 201, started.json
    assert api.client.get(f"/api/v1/instances/{started.json['id']}",
                          headers=api.login("rep")).json["data"]["customer_id"] == customer["id"]


def test_a_duplicate_or_blank_name_is_a_field_error(api):
    admin = api.login("admin")
    same = api.client.post("/api/v1/customers", headers=admin, json={"name": "acme EDUCATION"})
    assert same.status_code == 422 and "name" in same.json["errors"], same.json
    blank = api.client.post("/api/v1/customers", headers=admin, json={"name": "   "})
    assert blank.status_code == 422 and "name" in blank.json["errors"], blank.json
    missing = api.client.post("/api/v1/customers", headers=admin, json={"industry": "retail"})
    assert missing.status_code == 422 and "name" in missing.json["errors"], missing.json
    unknown = api.client.post("/api/v1/customers", headers=admin, json={"name": "X", "row_version": 3})
    assert unknown.status_code == 422, unknown.json
    bad_budget = api.client.post("/api/v1/customers", headers=admin, json={"name": "Y", "budget": "lots"})
    assert bad_budget.status_code == 422 and "budget" in bad_budget.json["errors"]


def test_only_admins_create_or_edit(api):
    for role in ("rep", "sales_mgr", "product", "delivery"):
        headers = api.login(role)
        assert api.client.post("/api/v1/customers", headers=headers, json={"name": "Z"}).status_code == 403
        assert api.client.patch(f"/api/v1/customers/{api.customer_id}", headers=headers,
                                json={"name": "Z"}).status_code == 403
    assert api.client.post("/api/v1/customers", json={"name": "Z"}).status_code == 401
    assert api.client.post("/api/v1/customers", headers=api.login("rep"), json={}).status_code == 403  # not 422


def test_an_admin_edits_a_record_with_its_version_and_delivery_hears_of_a_budget_change(api, services):
    admin, library = api.login("admin"), Library(services, api.people, api.customer_id)
    project = api.start_project("rep")
    library.describe_opportunity(project["id"])
    library.cosign(project["id"])  # delivery reviewed it: the project has a delivery manager
    before = api.client.get(f"/api/v1/customers/{api.customer_id}", headers=admin).json

    edited = api.client.patch(f"/api/v1/customers/{api.customer_id}", headers=admin,
                              json={"name": "ACME Education Group", "budget": 950000, "version": before["version"]})
    assert edited.status_code == 200, edited.json
    assert (edited.json["name"], edited.json["budget"], edited.json["industry"]) == (
        "ACME Education Group", 950000, "education")  # what was not sent stays
    stale = api.client.patch(f"/api/v1/customers/{api.customer_id}", headers=admin,
                             json={"budget": 1, "version": before["version"]})
    assert stale.status_code == 409
    assert api.client.patch("/api/v1/customers/999999", headers=admin, json={"budget": 1}).status_code == 404
    [entry] = events(services, "customer_edited")
    assert {c["field"] for c in entry.data["changes"]} == {"name", "budget"}
    run_jobs(services)
    told = [m for m in inbox(services, api.people["delivery"]) if "ACME Education Group" in m.subject]
    assert len(told) == 1 and "Budget" in told[0].subject, [m.subject for m in inbox(services, api.people["delivery"])]


def test_the_list_searches_name_and_industry(api):
    admin = api.login("admin")
    for name, industry in (("Globex Retail", "retail"), ("Initech 100%_", "software")):
        assert api.client.post("/api/v1/customers", headers=admin,
                               json={"name": name, "industry": industry}).status_code == 201
    names = lambda q: [c["name"] for c in api.client.get(  # noqa: E731
        "/api/v1/customers", query_string={"q": q}, headers=api.login("rep")).json]
    assert names("RETAIL") == ["Globex Retail"]
    assert names("educ") == ["ACME Education"]
    assert names("%_") == ["Initech 100%_"]
    assert len(names("")) == 3
