"""A sales rep starts a project in the browser, describes the opportunity and fills the handover package (R1, R2)."""

from __future__ import annotations

from tests.support import instance, open_tasks
from tests.web.conftest import open_task


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)


def add_item(page, path: str) -> None:
    """Adds an entry to the form's list at `path` (``root.requirements.items``), as a person clicks "Add …"."""
    page.locator(f"[data-schemapath='{path}'] button.json-editor-btntype-add:visible").first.click()


def submit(page) -> None:
    page.click("#submit")


def test_a_rep_starts_a_project_and_fills_the_handover(person, library, services):
    rep = person("rep")
    page = rep.open("/tasks")
    page.click("header nav a[href='/start']")
    page.click("#may-start a:has-text('Project lifecycle')")
    page.wait_for_selector("#start-form[data-ready=yes]")
    page.select_option("[name='root[customer_id]']", label="ACME Education")
    rep.shot("start")
    page.click("#submit")
    page.wait_for_url("**/instances/*?started=1")
    project = int(page.url.split("/instances/")[1].split("?")[0])
    assert instance(services, project).data["customer"] == "ACME Education"  # the label followed the choice
    page.wait_for_selector("#diagram[data-marked]")
    assert "opportunity" in page.get_attribute("#diagram", "data-marked")

    page = open_task(rep, "Describe the won opportunity")
    assert page.input_value("[name='root[customer]']") == "ACME Education"
    fill(page, {"root[contract_value]": "800000", "root[decision_makers][0][name]": "Li Wei",
                "root[decision_makers][0][role]": "principal", "root[product]": "Enterprise"})
    submit(page)  # the knowledge-base version is missing: refused, next to its field, nothing changes
    error = page.wait_for_selector(".field-error[data-field='kb_version']")
    assert "required" in error.inner_text()
    assert [t.element_id for t in open_tasks(services, project)] == ["opportunity"]
    rep.shot("opportunity-refused")
    fill(page, {"root[kb_version]": "V3.2-202601 security module"})
    submit(page)
    page.wait_for_url("**/tasks?done=*")
    assert "You completed “Describe the won opportunity”." in page.inner_text("#done")

    library.cosign(project)  # legal and delivery co-sign (their own journey is in test_cosign_journey)

    page = open_task(rep, "Part 1: customer core requirements")
    add_item(page, "root.requirements.items")
    fill(page, {"root[requirements][items][0][requirement]": "SSO with the school's LDAP",
                "root[requirements][contact_name]": "Li Wei", "root[requirements][contact_phone]": "+86 10 5555 0101"})
    rep.shot("requirements")
    submit(page)
    page.wait_for_url("**/tasks?done=*")
    assert instance(services, project).sealed == ["requirements"]
