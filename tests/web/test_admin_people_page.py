"""Admin › People: an admin adds a rep with a manager and groups, who then logs in; deactivates and unlocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from service.flows.visibility import groups_of
from service.store.models import User
from tests.web.conftest import PASSWORD


def _user(services, username: str) -> User:
    with services.sessions() as session:
        return session.scalar(select(User).where(User.username == username))


def test_an_admin_adds_a_rep_with_a_manager_and_groups_and_the_rep_logs_in(services, library, person):
    admin = person("admin")
    admin.page.click("nav a:has-text('People')")
    page = admin.page
    page.wait_for_selector("tr[data-username=rep]")
    page.fill("#person-form input[name=username]", "nina")
    page.fill("#person-form input[name=display_name]", "Nina Okafor (Sales rep)")
    page.fill("#person-form input[name=email]", "nina@acme.example")
    page.select_option("#person-form select[name=manager]", "sales_mgr")
    page.fill("#person-form input[name=groups]", "sales, technical-sales")
    page.fill("#person-form input[name=password]", PASSWORD)
    page.click("#person-form button:has-text('Save')")
    row = page.locator("tr[data-username=nina]")
    row.wait_for()
    assert "sales, technical-sales" in row.inner_text() and "sales_mgr" in row.inner_text()
    nina = _user(services, "nina")
    assert nina.manager_id == library.people["sales_mgr"] and nina.active
    with services.sessions() as session:
        assert groups_of(session, nina.id) == ["sales", "technical-sales"]
    admin.shot("people")

    rep = person("nina")  # logs in with the password the admin gave
    assert "Project lifecycle" in rep.open("/start").locator("#may-start").inner_text()
    assert rep.page.locator("nav a:has-text('People')").count() == 0


def test_an_admin_edits_deactivates_and_unlocks_people(services, library, person):
    with services.sessions() as session:
        locked = session.scalar(select(User).where(User.username == "rep2"))
        locked.locked_until, locked.failed_logins = datetime.now(UTC) + timedelta(minutes=15), 5
        session.commit()
    page = person("admin").open("/admin/people")
    page.locator("tr[data-username=rep] button:has-text('Edit')").click()
    assert page.input_value("#person-form input[name=username]") == "rep"
    page.fill("#person-form input[name=groups]", "sales")
    page.click("#person-form button:has-text('Save')")
    page.wait_for_selector("tr[data-username=rep] td:nth-child(3):text-is('sales')")
    with services.sessions() as session:
        assert groups_of(session, library.people["rep"]) == ["sales"]
    page.locator("tr[data-username=rep2] button:has-text('Unlock')").click()
    page.wait_for_selector("tr[data-username=rep2]:not(:has(button:has-text('Unlock')))")
    assert _user(services, "rep2").locked_until is None
    page.locator("tr[data-username=rep2] button:has-text('Deactivate')").click()
    page.wait_for_selector("tr[data-username=rep2] button:text-is('Activate')")
    assert _user(services, "rep2").active is False
    page.locator("tr[data-username=sales_mgr] button:has-text('Edit')").click()
    page.select_option("#person-form select[name=manager]", "rep")  # rep reports to sales_mgr
    page.click("#person-form button:has-text('Save')")
    assert "circle" in page.locator("#notice.bad").inner_text()
    assert _user(services, "sales_mgr").manager_id == library.people["vp"]


def test_the_people_page_is_for_admins(services, library, person):
    manager = person("sales_mgr")
    response = manager.page.goto(f"{manager.base}/admin/people")
    assert response.status == 403 and "kept by admins" in manager.page.content()
