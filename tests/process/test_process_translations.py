"""Process content in two languages: translation files deploy and version with their diagram and forms,
the validator tells wrong ones from missing ones, and notify/escalate subjects go out in Chinese too."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.engine import translations
from service.engine.bundle import form_sources, process_sources, read_tree, split_bundles
from service.engine.validate import validate_with_warnings
from service.flows import instances
from service.flows.deploy import deploy
from service.flows.errors import DeployInvalid
from service.store.models import Outbox
from tests.support import REPO, run_jobs

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
CATALOG = "bpmn/lead_response.zh-CN.json"
FOLLOW_UP = "forms/lead/follow_up.zh-CN.json"


def lead_files(**changes) -> dict[str, str]:
    """The lead process's files as shipped, some replaced (None drops a file)."""
    files = {p: t for p, t in read_tree(REPO).items()
             if p.startswith(("bpmn/lead_", "forms/lead/")) or p == "bpmn/calendars.json"}
    for path, text in changes.items():
        path = {"catalog": CATALOG, "form": FOLLOW_UP}.get(path, path)
        if text is None:
            files.pop(path)
        else:
            files[path] = text
    return files


def shipped(path: str) -> dict:
    return json.loads((REPO / path).read_text(encoding="utf-8"))


def dumped(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_every_shipped_process_and_form_is_completely_translated():
    """Fails when a new element, subject, field or option has no Chinese: the warnings name it."""
    files = read_tree(REPO)
    problems, warnings = validate_with_warnings(process_sources(files), form_sources(files))
    assert problems == []
    assert [str(w) for w in warnings] == []
    for bundle in split_bundles(files):  # each process carries its catalogs and its forms' translations
        assert any(translations.is_translation(p) and p.startswith("bpmn/") for p in bundle.files), bundle.process_id


def test_the_urgent_lead_is_sent_with_its_chinese_subject_filled_from_the_lead(services, library):
    with freeze_time(T0) as clock:
        lead = instances.start_process(services, "lead_response", {
            "company": "北方中学", "industry": "education", "budget": 600000,
            "decision_maker_level": "principal"}).instance_id
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
    with services.sessions() as session:
        rows = session.scalars(select(Outbox).where(Outbox.instance_id == lead, Outbox.topic == "escalate")).all()
    assert rows
    for row in rows:
        assert row.payload["subject"] == "URGENT: lead 北方中学 has waited 2 hours"
        assert row.payload["subjects"] == {"zh-CN": "紧急：线索 北方中学 已等待 2 小时"}


def test_a_missing_translation_is_a_warning_naming_the_element_and_the_deploy_goes_ahead(services):
    catalog = shipped(CATALOG)
    del catalog["elements"]["reassign_lead"]
    [deployed] = deploy(services, lead_files(catalog=dumped(catalog)), "designer")
    assert deployed.created
    assert len(deployed.warnings) == 1
    assert deployed.warnings[0].startswith("bpmn/lead_response.bpmn:")
    assert "reassign_lead: no zh-CN name (\"Reassign the lead\")" in deployed.warnings[0]


def test_a_deploy_without_any_translation_still_works(services):
    files = {p: t for p, t in lead_files().items() if not translations.is_translation(p)}
    [deployed] = deploy(services, files, "designer")
    assert deployed.created
    assert any("no zh-CN translation (add bpmn/lead_response.zh-CN.json)" in w for w in deployed.warnings)
    assert any("forms/lead/follow_up.json" in w for w in deployed.warnings)


def test_a_changed_translation_is_a_new_version_and_is_never_taken_for_a_form(services):
    [first] = deploy(services, lead_files(), "designer")
    catalog = shipped(CATALOG)
    catalog["elements"]["lead_in"]["name"] = "收到新线索"
    [second] = deploy(services, lead_files(catalog=dumped(catalog)), "designer")
    assert second.created and second.version == first.version + 1
    parsed = services.library.get(second.content_hash)
    assert sorted(parsed.forms) == ["lead/follow_up.json", "lead/reassign.json"]
    assert translations.element_name(parsed, "lead_in", "zh-CN") == "收到新线索"
    assert translations.element_name(parsed, "lead_in", "en", "New lead") == "New lead"


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_key_naming_no_element_and_an_unknown_placeholder_are_problems_with_file_and_line(services):
    catalog = shipped(CATALOG)
    catalog["elements"]["no_such_task"] = {"name": "不存在"}
    catalog["elements"]["urge_lead"]["subject"] = "紧急：线索 %(customer)s 已等待 2 小时"
    text = dumped(catalog)
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, lead_files(catalog=text), "designer")
    said = [str(p) for p in refused.value.problems]
    assert f"{CATALOG}:{line_of(text, 'no_such_task')}: no_such_task: names no element of the diagram " \
           "that has a name" in said
    assert any(p.startswith(f"{CATALOG}:{line_of(text, '%(customer)s')}: urge_lead: the subject uses "
                            "%(customer)s, which the English subject does not (it has %(company)s)") for p in said)


def test_a_form_translation_naming_no_field_or_value_and_invalid_json_are_problems(services):
    form = shipped(FOLLOW_UP)
    form["fields"]["budget_note"] = {"title": "预算说明"}
    text = dumped(form)
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, lead_files(form=text), "designer")
    assert [str(p) for p in refused.value.problems] == [
        f"{FOLLOW_UP}:{line_of(text, 'budget_note')}: budget_note: names no field of the form"]
    broken = '{\n  "title": "跟进线索",\n  "fields": {\n}'
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, lead_files(form=broken), "designer")
    [problem] = refused.value.problems
    assert str(problem).startswith(f"{FOLLOW_UP}:4: -: invalid JSON")


def test_form_in_translates_words_and_keeps_values_and_rules():
    schema = json.loads((REPO / "forms/cosign/submit_contract.json").read_text(encoding="utf-8"))
    overlay = shipped("forms/cosign/submit_contract.zh-CN.json")
    chinese = translations.form_in(schema, "zh-CN", overlay)
    field = chinese["properties"]["invoice_type"]
    assert field["title"] == "发票类型"
    assert field["enum"] == schema["properties"]["invoice_type"]["enum"]
    assert field["x-enum-titles"]["vat_special"] == "增值税专用发票"
    assert chinese["required"] == schema["required"]
    assert translations.form_in(schema, "en", overlay) == schema
    assert schema["properties"]["invoice_type"]["title"] == "Invoice type"  # the English is not changed
