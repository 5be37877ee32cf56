"""Inbox, documents, signatures, timeline, timers, list, freeze and release over HTTP."""

from __future__ import annotations

import io
from datetime import timedelta

from freezegun import freeze_time

from service.clock import utcnow
from tests.support import run_jobs


def test_the_inbox_counts_unread_and_marks_read(api, services):
    start = utcnow()
    with freeze_time(start) as clock:
        api.start_project()
        clock.move_to(start + timedelta(hours=24, seconds=5))
        run_jobs(services)
        api.tokens.clear()  # a day later the morning's token has expired
        rep = api.login("rep")
        inbox = api.client.get("/api/v1/messages", headers=rep).json
        assert inbox["unread"] == 1 and "has not been described" in inbox["messages"][0]["subject"]
        read = api.client.post(f"/api/v1/messages/{inbox['messages'][0]['id']}/read", headers=rep)
        assert read.status_code == 200 and read.json["read_at"]
        assert api.client.get("/api/v1/messages?unread_only=true", headers=rep).json == {"unread": 0, "messages": []}
        other = api.client.post(f"/api/v1/messages/{inbox['messages'][0]['id']}/read", headers=api.login("rep2"))
        assert other.status_code == 404


def test_documents_are_checked_on_upload_and_only_their_people_download_them(api):
    rep = api.login("rep")
    pdf = api.client.post("/api/v1/documents", headers=rep,
                          data={"file": (io.BytesIO(b"%PDF-1.4 letter"), "letter.pdf", "application/pdf")})
    assert pdf.status_code == 201 and pdf.json["size"] == 15 and len(pdf.json["sha256"]) == 64
    exe = api.client.post("/api/v1/documents", headers=rep,
                          data={"file": (io.BytesIO(b"MZ..."), "tool.exe", "application/x-msdownload")})
    assert exe.status_code == 422 and "content_type" in exe.json["errors"]
    got = api.client.get(f"/api/v1/documents/{pdf.json['id']}", headers=rep)
    assert got.status_code == 200 and got.data == b"%PDF-1.4 letter"
    assert api.client.get(f"/api/v1/documents/{pdf.json['id']}", headers=api.login("finance")).status_code == 404


def test_timeline_timers_and_the_list_of_my_instances(api):
    project = api.start_project()
    rep = api.login("rep")
    timeline = api.client.get(f"/api/v1/instances/{project['id']}/timeline", headers=rep).json
    assert [e["kind"] for e in timeline][:3] == ["instance_started", "stage_entered", "task_opened"]
    timers = api.client.get(f"/api/v1/instances/{project['id']}/timers", headers=rep).json
    assert [t["element_id"] for t in timers] == ["opportunity_sla"]
    mine = api.client.get("/api/v1/instances?process_id=project_lifecycle", headers=rep).json
    assert [i["id"] for i in mine] == [project["id"]]
    assert api.client.get("/api/v1/instances", headers=api.login("sales_mgr")).json[0]["id"] == project["id"]
    assert api.client.get("/api/v1/instances", headers=api.login("finance")).json == []
    assert api.client.get("/api/v1/instances?status=bogus", headers=rep).status_code == 422


def test_a_manual_freeze_is_for_the_owners_managers_and_admins(api):
    project = api.start_project()
    product, rep, manager = api.login("product"), api.login("rep"), api.login("sales_mgr")
    assert api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=product,
                           json={"reason": "knowledge base moved"}).status_code == 404  # not their project
    refused = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=rep, json={"reason": "checking"})
    assert refused.status_code == 403 and "manager of the project's owner" in refused.json["message"]
    frozen = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=manager, json={"reason": "checking"})
    assert frozen.status_code == 200 and frozen.json["frozen"]
    refused = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=rep, json={})
    assert refused.status_code == 403 and "manager of the project's owner" in refused.json["message"]
    rewrite = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=manager,
                              json={"data": {"contract_value": 1}})
    assert rewrite.status_code == 422 and "contract_value" in rewrite.json["errors"]  # a release is not a form
    released = api.client.post(f"/api/v1/instances/{project['id']}/release", headers=api.login("vp"), json={})
    assert released.status_code == 200 and not released.json["frozen"]


def test_signatures_report_which_hold(api):
    project = api.start_project()
    checks = api.client.get(f"/api/v1/instances/{project['id']}/signatures", headers=api.login("rep"))
    assert checks.status_code == 200 and checks.json == []


def test_the_diagram_marks_done_active_and_overdue_elements(api):
    start = utcnow()
    with freeze_time(start) as clock:
        project = api.start_project()
        clock.move_to(start + timedelta(hours=25))
        api.tokens.clear()
        view = api.client.get(f"/api/v1/instances/{project['id']}/diagram", headers=api.login("rep")).json
    assert 'id="project_lifecycle"' in view["xml"] and "bpmndi:BPMNDiagram" in view["xml"]
    assert {"project_start", "enter_opportunity"} <= set(view["done"])
    assert "opportunity" in view["active"] and view["overdue"] == ["opportunity"]
