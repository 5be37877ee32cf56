"""Dashboards over HTTP, on the demo's projects: the stage board, my tree, accepted-not-invoiced."""

from __future__ import annotations

from service.demo_projects import seed_projects


def test_dashboards_show_the_demo_projects(api, services):
    from service.demo_projects import PRODUCTS
    from service.store.models import KbProduct

    with services.sessions() as session:  # the demo's knowledge base, not this module's fixture's
        session.get(KbProduct, "Enterprise").current_version = PRODUCTS["Enterprise"]
        session.commit()
    seed_projects(services)
    mgr = api.login("vp")
    board = api.client.get("/api/v1/dashboards/stage-board", headers=mgr).json
    assert [c["stage"] for c in board][:2] == ["Opportunity", "Contract co-signing"]
    assert sum(len(c["projects"]) for c in board) == 12
    assert any(p["red"] for c in board for p in c["projects"])
    assert any(p["frozen"] for c in board for p in c["projects"])

    tree = api.client.get("/api/v1/dashboards/my-tree", headers=mgr).json
    assert tree["overdue_tasks"] and all(t["overdue"] for t in tree["overdue_tasks"])

    [late] = api.client.get("/api/v1/dashboards/accepted-not-invoiced", headers=mgr).json
    assert late["accepted_days_ago"] > 7 and late["acceptance_document"] and late["contract_number"]


def test_collaboration_quality_and_process_health_come_from_the_log(api, services):
    from service.demo_projects import PRODUCTS
    from service.store.models import KbProduct

    with services.sessions() as session:
        session.get(KbProduct, "Enterprise").current_version = PRODUCTS["Enterprise"]
        session.commit()
    seed_projects(services)
    mgr = api.login("vp")
    quality = api.client.get("/api/v1/dashboards/collaboration-quality", headers=mgr).json
    completeness = quality["handover_completeness"]
    assert completeness["of"] == 8 and completeness["rate"] == 1.0  # every demo package was complete
    assert len(completeness["instances"]) == 8
    health = {row["rep"]: row for row in api.client.get("/api/v1/dashboards/process-health", headers=mgr).json}
    assert set(health) == {"rep", "rep2"}
    assert 0 < health["rep"]["stage_completion"]["rate"] < 1 and health["rep"]["fresh"]
    assert api.client.get("/api/v1/dashboards/process-health?days=0", headers=mgr).status_code == 422
