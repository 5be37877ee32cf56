"""Every response says what a browser may run, load, frame and guess; no page needs inline script or style."""

from __future__ import annotations

import re

import pytest
from lxml import html

from service.app import create_app
from service.clock import utcnow
from service.store.models import Message
from tests.support import task_by_element
from tests.web.test_pages import logged_in

STRICT = ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


@pytest.fixture
def app(services, library):
    return create_app(services.config, services)


def assert_secured(response, path: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert all(part in policy for part in STRICT), (path, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (path, policy)
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path


def test_pages_api_static_files_and_errors_carry_the_security_headers(app, library):
    anonymous = app.test_client()
    for path in ("/login", "/api/docs", "/api/openapi.json", "/api/v1/tasks", "/static/app.js", "/health",
                 "/no-such-page"):
        assert_secured(anonymous.get(path, headers={"Accept": "text/html"}), path)
    rep = logged_in(app, "rep")
    token = re.search(r'name="api-token" content="([^"]+)"', rep.get("/tasks").get_data(as_text=True)).group(1)
    assert_secured(rep.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), "/api/v1/me")
    for path in ("/tasks", "/tasks/999999", "/projects", "/inbox"):
        assert_secured(rep.get(path, headers={"Accept": "text/html"}), path)


def inline_code(page: str) -> list[str]:
    """Inline scripts (other than JSON data), inline styles, event-handler attributes, javascript: links."""
    tree = html.fromstring(page)
    found = [html.tostring(s, encoding="unicode")[:80] for s in tree.iter("script")
             if not s.get("src") and s.get("type") != "application/json"]
    found += [html.tostring(s, encoding="unicode")[:80] for s in tree.iter("style")]
    found += [f"{e.tag} style=" for e in tree.iter() if isinstance(e.tag, str) and e.get("style") is not None]
    found += [f"{e.tag} {name}=" for e in tree.iter() if isinstance(e.tag, str)
              for name in e.attrib if name.lower().startswith("on")]
    found += [f"{e.tag} href={e.get('href')}" for e in tree.iter("a") if e.get("href", "").startswith("javascript:")]
    return found


def test_no_page_holds_inline_script_or_style(app, library):
    project = library.won_project()
    task = task_by_element(library.services, project, "opportunity")
    assert inline_code(app.test_client().get("/login").get_data(as_text=True)) == []
    for path in ("/api/docs", "/health"):
        assert inline_code(app.test_client().get(path).get_data(as_text=True)) == [], path
    people = {"rep": ["/tasks", "/projects", "/inbox", f"/tasks/{task.id}", f"/instances/{project}",
                      f"/instances/{project}/signatures", "/start/project_lifecycle"],
              "sales_mgr": ["/dashboard"], "designer": ["/designer", "/designer?process_id=project_lifecycle"]}
    for username, paths in people.items():
        client = logged_in(app, username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path, response.status_code)
            assert inline_code(response.get_data(as_text=True)) == [], (username, path)


def test_an_inbox_message_links_only_to_our_own_pages_and_shows_its_subject_as_text(app, library):
    subject = "<img src=x onerror=alert(1)>"
    with library.services.sessions() as session:
        for link in ("javascript:alert(1)", "//evil.example/", "/\\evil.example/", "/tasks"):
            session.add(Message(recipient_id=library.people["rep"], subject=subject, body={"link": link},
                                created_at=utcnow()))
        session.commit()
    page = logged_in(app, "rep").get("/inbox").get_data(as_text=True)
    tree = html.fromstring(page)
    assert [a.get("href") for a in tree.xpath("//table[@id='messages']//td/b/a")] == ["/tasks"]
    assert [b.text_content() for b in tree.xpath("//table[@id='messages']//td/b")] == [subject] * 4
    assert "<img src=x" not in page and inline_code(page) == []
