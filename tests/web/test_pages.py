"""The pages without a browser: logging in and out, who sees what, errors as pages, the R8 diff in the inbox."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from service.app import create_app
from service.flows.customers import change_customer
from service.store.models import User
from tests.support import instance, task_by_element
from tests.web.conftest import PASSWORD


@pytest.fixture
def app(services, library):
    return create_app(services.config, services)


def csrf_of(client, path="/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def logged_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"csrf": csrf_of(client), "username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_pages_need_a_login_and_come_back_to_where_you_were(app):
    client = app.test_client()
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.location.endswith("/login?next=/dashboard")
    refused = client.post("/login", data={"csrf": csrf_of(client), "username": "vp", "password": "wrong"})
    assert refused.status_code == 401 and "Wrong user name or password" in refused.get_data(as_text=True)
    response = client.post("/login", data={"csrf": csrf_of(client), "username": "vp", "password": PASSWORD,
                                           "next": "/dashboard"})
    assert response.location == "/dashboard"


def test_a_login_link_cannot_send_you_to_another_site(app):
    client = app.test_client()
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/",
                   "/\\/evil.example/", "/tasks\r\nLocation: https://evil.example/"):
        response = client.post("/login", data={"csrf": csrf_of(client), "username": "vp", "password": PASSWORD,
                                               "next": target})
        assert response.location == "/tasks"
    response = client.post("/login", data={"csrf": csrf_of(client), "username": "vp", "password": PASSWORD,
                                           "next": "/projects?page=2"})
    assert response.location == "/projects?page=2"


def test_the_dashboard_is_for_managers_finance_and_executives(app):
    rep = logged_in(app, "rep")
    assert "Dashboard" not in rep.get("/tasks").get_data(as_text=True)
    assert rep.get("/dashboard", headers={"Accept": "text/html"}).status_code == 403
    token = re.search(r'name="api-token" content="([^"]+)"', rep.get("/tasks").get_data(as_text=True)).group(1)
    for figure in ("stage-board", "accepted-not-invoiced", "collaboration-quality", "process-health"):
        response = rep.get(f"/api/v1/dashboards/{figure}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403, figure
    assert rep.get("/api/v1/dashboards/my-tree", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    for person in ("sales_mgr", "finance", "vp"):
        assert logged_in(app, person).get("/dashboard").status_code == 200, person


def test_pages_are_not_kept_in_the_browser_cache(app):
    client = logged_in(app, "rep")
    assert client.get("/tasks").headers["Cache-Control"] == "no-store"  # they carry the API token


def test_forms_without_their_csrf_token_are_refused(app):
    client = logged_in(app, "rep")
    assert client.post("/logout").status_code == 400
    assert client.get("/tasks").status_code == 200  # still logged in
    assert client.post("/logout", data={"csrf": csrf_of(client, "/tasks")}).status_code == 302
    assert client.get("/tasks").status_code == 302


def test_a_password_change_logs_the_browser_out(app, services):
    client = logged_in(app, "rep")
    with services.sessions() as session:
        session.query(User).filter_by(username="rep").one().password_hash = generate_password_hash("new one")
        session.commit()
    assert client.get("/tasks").status_code == 302


def test_what_you_may_not_see_or_do_is_a_page_with_the_reason_not_json(app, library):
    project = library.won_project()
    task = task_by_element(library.services, project, "opportunity")
    response = logged_in(app, "legal").get(f"/tasks/{task.id}", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert f"There is no task {task.id} that you can see." in response.get_data(as_text=True)
    response = logged_in(app, "rep").get("/designer", headers={"Accept": "text/html"})
    assert response.status_code == 403 and "Only process designers deploy processes." in response.get_data(as_text=True)
    assert logged_in(app, "rep").get(f"/tasks/{task.id}").status_code == 200


def test_a_customer_change_reaches_delivery_s_inbox_as_before_and_after(app, library, services):
    from tests.support import run_jobs

    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)  # delivery reviewed: Dana Kim is the project's delivery manager
    change_customer(services, library.customer_id, {"budget": 950000}, library.people["rep2"])
    run_jobs(services)
    client = logged_in(app, "delivery")
    page = client.get("/inbox").get_data(as_text=True)
    change = page[page.index('class="change"'):]
    assert "<del>800000</del>" in change and "<ins>950000</ins>" in change
    unread = int(re.search(r'id="unread-count">(\d+)<', page).group(1))
    token = re.search(r'name="api-token" content="([^"]+)"', page).group(1)  # what the page's JavaScript uses
    message = re.search(r'data-api="(/messages/\d+/read)"', page).group(1)
    assert client.post(f"/api/v1{message}", headers={"Authorization": f"Bearer {token}"}, json={}).status_code == 200
    page = client.get("/inbox").get_data(as_text=True)
    assert int((re.search(r'id="unread-count">(\d+)<', page) or [0, 0])[1]) == unread - 1


def test_the_signatures_page_says_whether_they_still_hold_and_why_not(app, library, services):
    from sqlalchemy import update

    from service.store.models import Instance

    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    library.hand_over(project)
    client = logged_in(app, "delivery")
    page = client.get(f"/instances/{project}/signatures").get_data(as_text=True)
    assert "All 6 signatures hold" in page
    with services.sessions() as session:  # the risks are edited behind the process's back
        data = dict(session.get(Instance, project).data, risks=[{"risk": "none, really"}])
        session.execute(update(Instance).where(Instance.id == project).values(data=data))
        session.commit()
    page = client.get(f"/instances/{project}/signatures").get_data(as_text=True)
    assert "2 of 6 signatures no longer hold" in page
    assert page.count("“Confirmed risks” changed after it was signed") == 2


def test_a_project_field_lists_the_projects_its_viewer_can_see_by_name(app, library):
    """The freeze's "Project" (x-references instance:project_lifecycle) is a list in words, not an id to type."""
    import json

    project = library.won_project()  # the rep's; finance has no part in it yet

    def choices(username: str) -> dict:
        page = logged_in(app, username).get("/start/requirement_freeze").get_data(as_text=True)
        schema = json.loads(re.search(r'id="start-schema">(.*?)</script>', page, re.S).group(1))
        field = schema["properties"]["project_id"]
        return dict(zip(field.get("enum", []), field.get("options", {}).get("enum_titles", []), strict=True))

    stage = instance(library.services, project).stage
    assert choices("rep") == {project: f"#{project} ACME Education · {stage}"}
    assert project not in choices("rep2")  # another rep may start a freeze, but of their own projects
