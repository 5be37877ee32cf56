"""Delivery sees the sealed requirements read-only, claims the handover review and signs it (R2)."""

from __future__ import annotations

from tests.support import instance


def test_delivery_reads_the_sealed_requirements_and_signs(person, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    library.task(project, "core_requirements", "rep", {"requirements": {
        "items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
        "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
    library.task(project, "confirmed_risks", "rep", {"risks": [{"risk": "IT refuses to open API access"}]})
    library.task(project, "open_items_step", "rep", {"open_items": [{"item": "Written confirmation of hosting"}]})
    library.task(project, "sales_signs", "rep", {"sales_confirms": True})

    delivery = person("delivery", time_zone="Asia/Shanghai")
    page = delivery.open("/tasks")
    row = page.locator("tr", has_text="Review and sign the handover package")
    row.locator("button:has-text('Claim')").click()
    page.wait_for_selector("#task-form[data-ready=yes]")

    sealed = page.locator("[data-sealed='requirements']")
    assert "SSO with the school's LDAP" in sealed.inner_text()
    assert page.locator("[name^='root[requirements]']").count() == 0  # shown, never editable
    signatures = page.locator("#signatures tr.signature")
    assert signatures.count() == 3 and "valid" in signatures.first.inner_text()  # the rep's, on each part
    assert "CST" in signatures.first.inner_text()  # signed-at shown in the viewer's time zone (Asia/Shanghai)
    delivery.shot("before-signing")

    page.select_option("[name='root[delivery_decision]']", "accept")
    page.click("#submit:has-text('Sign and submit')")
    page.wait_for_url("**/tasks?done=*")

    page = delivery.open(f"/instances/{project}")
    signed = page.locator("tr.signature")
    assert signed.count() == 6
    texts = signed.all_inner_texts()
    assert all("valid" in text for text in texts)
    assert sum("Dana Kim" in text for text in texts) == 3  # delivery signed each of the three parts
    assert instance(services, project).stage == "Implementation"  # the handover completed
