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
