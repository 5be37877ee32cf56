"""A refused form names each field as the form titles it, in plain words (issue 11): "Product is required",
"Contract value must be more than 0", never "'product' is a required property". The errors stay keyed by
the field's path."""

from __future__ import annotations

RAW = ("is a required property", "less than or equal to the minimum", "is not one of", "should be non-empty",
       "is not of type", "was expected")


def my_task(api, username: str, scope: str = "mine") -> dict:
    [task] = api.client.get(f"/api/v1/tasks?scope={scope}", headers=api.login(username)).json
    return task


def complete(api, username: str, task: dict, data: dict):
    return api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api.login(username), json={"data": data})


def assert_no_schema_words(errors: dict) -> None:
    text = " ".join(message for messages in errors.values() for message in messages)
    assert not any(raw in text for raw in RAW), errors


def test_a_refused_opportunity_reads_in_the_forms_words(api):
    api.start_project()
    refused = complete(api, "rep", my_task(api, "rep"), {
        "customer_id": api.customer_id, "customer": "ACME Education", "contract_value": -5, "kb_version": "",
        "decision_makers": [{"name": "Li Wei"}]})
    assert refused.status_code == 422 and refused.json["code"] == "invalid_form"
    assert refused.json["errors"] == {
        "product": ["Product is required"],
        "contract_value": ["Contract value must be more than 0"],
        "kb_version": ["Knowledge-base version the offer is based on cannot be empty"],
        "decision_makers.0.role": ["Decision maker 1: Role is required"],
    }
    assert refused.json["message"] == "Please correct the 4 fields marked below."


def test_a_refused_contract_names_its_options_and_legal_is_told_why_reasons_are_required(api):
    api.start_project()
    complete(api, "rep", my_task(api, "rep"), {
        "customer_id": api.customer_id, "customer": "ACME Education", "contract_value": 800000, "product": "Enterprise",
        "decision_makers": [{"name": "Li Wei", "role": "principal"}], "kb_version": "V3.2"})
    submit = my_task(api, "rep")
    refused = complete(api, "rep", submit, {"contract_number": "C-1", "contract_amount": 0, "invoice_type": "vat"})
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "terms": ["Key terms is required"],
        "contract_amount": ["Contract amount must be more than 0"],
        "invoice_type": ["Invoice type must be one of: VAT special invoice, VAT general invoice, Receipt"],
    }
    assert complete(api, "rep", submit, {"contract_number": "C-1", "contract_amount": 800000, "terms": "net 30",
                                          "invoice_type": "vat_special"}).status_code == 200

    review = my_task(api, "legal", "groups")
    api.client.post(f"/api/v1/tasks/{review['id']}/claim", headers=api.login("legal"), json={})
    untouched = complete(api, "legal", review, {})
    # no decision yet: the decision is asked for, not reasons "because you chose" something nobody chose
    assert untouched.json["errors"] == {"legal_approved": ["Legal decision on the contract is required"]}
    rejected = complete(api, "legal", review, {"legal_approved": False, "legal_reasons": ""})
    assert rejected.json["errors"] == {
        "legal_reasons": ["Reasons or required changes cannot be empty because you chose “Request changes”"]}
    wrong = complete(api, "legal", review, {"legal_approved": "no", "supplementary_terms": 5})
    assert wrong.json["errors"] == {"legal_approved": ["Legal decision on the contract must be yes or no"],
                                    "supplementary_terms": ["Supplementary terms must be text"]}
    for answer in (refused, untouched, rejected, wrong):
        assert_no_schema_words(answer.json["errors"])
