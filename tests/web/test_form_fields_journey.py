"""Every field of a form shows and reads in words (issue 11): optional fields, required marks, document
uploads, an explicit Approve / Request changes choice, and refusals in plain words next to their field."""

from __future__ import annotations

from tests.support import instance, open_tasks
from tests.web.conftest import claim, open_task, settle


def label_of(page, name: str) -> str:
    """The label a person reads above the field `root[name]`."""
    return page.locator(f"[data-schemapath='root.{name}'] label").first.inner_text()


def test_the_rep_sees_every_field_and_attaches_the_contract_document(person, library, services, tmp_path):
    project = library.won_project()
    library.describe_opportunity(project)
    rep = person("rep")
    page = open_task(rep, "Submit the contract for review")

    assert page.locator("[name='root[special_acceptance_terms]']").is_visible()  # optional, shown all the same
    assert "Fields marked * are required." in page.inner_text("main")
    assert label_of(page, "contract_number").startswith("Contract number *")
    assert "required" in label_of(page, "contract_number")
    assert "*" not in label_of(page, "special_acceptance_terms")
    options = page.locator("[name='root[invoice_type]'] option").all_inner_texts()
    assert options == ["Choose one…", "VAT special invoice", "VAT general invoice", "Receipt"]
    assert page.locator("[name='root[invoice_type]'] option:checked").inner_text() == "Choose one…"  # no silent answer
    upload = page.locator("input[type=file][data-document-field='contract_document']")
    assert upload.is_visible()
    assert "No file attached yet." in page.inner_text("[data-schemapath='root.contract_document']")
    assert not page.locator("[data-schemapath='root.contract_document'] input:not([type=file])").is_visible()
    rep.shot("contract-form")

    page.fill("[name='root[contract_number]']", "C-2026-001")
    page.fill("[name='root[contract_amount]']", "-5")
    settle(page)  # said as it is typed, in words, next to the field
    assert "Must be more than 0" in page.inner_text("[data-schemapath='root.contract_amount']")
    page.click("#submit")  # no terms, a negative amount: refused in words, next to each field
    assert page.wait_for_selector(".field-error[data-field='terms']").inner_text() == "Key terms is required"
    assert page.inner_text(".field-error[data-field='contract_amount']") == "Contract amount must be more than 0"
    assert page.inner_text(".field-error[data-field='invoice_type']") == "Invoice type is required"
    assert "Must be more than 0" not in page.inner_text("[data-schemapath='root.contract_amount']")  # said once
    assert "is a required property" not in page.inner_text("main")
    rep.shot("contract-refused")

    contract = tmp_path / "contract C-2026-001.pdf"
    contract.write_bytes(b"%PDF-1.4 the contract")
    upload.set_input_files(str(contract))
    page.wait_for_selector("[data-schemapath='root.contract_document'] a[data-document]"
                           ":has-text('contract C-2026-001.pdf')")
    page.fill("[name='root[contract_amount]']", "800000")
    page.fill("[name='root[terms]']", "30% on signing, 70% on acceptance")
    page.fill("[name='root[special_acceptance_terms]']", "Acceptance by the school's IT director")
    page.select_option("[name='root[invoice_type]']", label="VAT general invoice")
    rep.shot("contract-filled")
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")

    data = instance(services, project).data
    assert data["invoice_type"] == "vat_general"
    assert data["special_acceptance_terms"] == "Acceptance by the school's IT director"
    assert isinstance(data["contract_document"], int)
    page = rep.open(f"/instances/{project}")
    assert page.locator("a[data-document]", has_text="contract C-2026-001.pdf").count() >= 1
    rep.shot("instance-with-contract")


def test_legal_chooses_approve_or_request_changes_and_is_told_why_reasons_are_required(person, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-2026-001", "contract_amount": 800000, "terms": "30% on signing, 70% on acceptance",
        "invoice_type": "vat_special"})

    legal = person("legal")
    page = claim(legal, "Legal review of the contract")
    choices = page.locator("[data-schemapath='root.legal_approved']:visible [data-container-for=radio] label:visible")
    assert [text.strip() for text in choices.all_inner_texts()] == ["Approve", "Request changes"]
    assert page.locator("[name='root[legal_approved]']:checked").count() == 0  # nothing chosen for legal
    assert page.locator("[name='root[supplementary_terms]']").is_visible()
    assert "Required because" not in page.inner_text("#task-form")
    legal.shot("review")

    page.click("#submit")  # untouched: no silent rejection, the decision itself is asked for
    error = page.wait_for_selector(".field-error[data-field='legal_approved']")
    assert error.inner_text() == "Legal decision on the contract is required"
    assert page.locator(".field-error[data-field='legal_reasons']").count() == 0
    assert [t.element_id for t in open_tasks(services, project) if t.element_id == "legal_review"]

    page.locator("[name='root[legal_approved]'][value=false]:visible").click()  # the form redraws its branch
    settle(page)
    assert page.locator("[name='root[legal_approved]']:visible:checked").get_attribute("value") == "false"
    reasons = page.locator("[data-schemapath='root.legal_reasons']:visible")
    assert "Required because you chose “Request changes”." in reasons.inner_text()
    assert "*" in reasons.locator("label").first.inner_text()
    legal.shot("request-changes")
    page.click("#submit")
    error = page.wait_for_selector(".field-error[data-field='legal_reasons']")
    assert error.inner_text() == "Reasons or required changes is required because you chose “Request changes”"
    assert error.is_visible()
    legal.shot("reasons-refused")

    page.fill("[name='root[legal_reasons]']", "The penalty clause is unlimited")
    page.click("#submit")
    page.wait_for_url("**/tasks?done=*")
    assert instance(services, project).data["legal_approved"] is False  # still a boolean for the diagram


def test_a_start_form_shows_its_optional_fields_and_list_entries_read_by_their_title(person, library, services):
    rep = person("rep")
    page = rep.open("/start/requirement_freeze")
    page.wait_for_selector("#start-form[data-ready=yes]")
    for optional in ("requirements_summary", "sla", "tech_sla", "legal_sla", "finance_sla"):
        assert page.locator(f"[name='root[{optional}]']").is_visible(), optional
    assert label_of(page, "customer").startswith("Customer *")
    assert page.input_value("[name='root[project_id]']") == ""  # a required number starts empty, not on 0
    rep.shot("freeze-start")

    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    library.task(project, "core_requirements", "rep", {"requirements": {
        "items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
        "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
    library.task(project, "confirmed_risks", "rep", {"risks": [{"risk": "No API access"}]})
    page = open_task(rep, "Part 3: open items awaiting confirmation")
    page.locator("[data-schemapath='root.open_items'] button.json-editor-btntype-add:visible").first.click()
    entry = page.locator("[data-schemapath='root.open_items.0']")
    assert entry.locator(".je-header, h3, span").first.inner_text().strip().startswith("Open item 1")
    assert "item 1" not in page.inner_text("#task-form").replace("Open item 1", "")
    rep.shot("open-items")
