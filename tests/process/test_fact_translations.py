"""A notify/escalate's facts (the lines under the subject) in the reader's language.

The diagram's zh-CN file words each fact (``"facts": {"urgency": {"label": …, "values": {…}}}``); the
payload keeps the English body as data and gains the facts as each language reads them. A fact key
that names no parameter of its element is a problem with its line; a missing label is a warning.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.engine import translations
from service.flows import instances
from service.flows.deploy import deploy
from service.flows.errors import DeployInvalid
from service.store.models import Outbox
from tests.process.test_process_translations import CATALOG, dumped, lead_files, line_of, shipped
from tests.support import run_jobs

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def test_the_urgent_lead_carries_its_facts_in_chinese_and_its_body_as_data(services, library):
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
        assert row.payload["body"] == {"urgency": "high"}
        assert row.payload["facts"] == {"zh-CN": [["紧急程度", "高"]]}


def test_facts_in_words_listed_values_and_passes_others_through_as_typed():
    found = translations.load({"bpmn/x.zh-CN.json": dumped({"elements": {"tell": {"facts": {
        "urgency": {"label": "紧急程度", "values": {"high": "高", "true": "是"}}, "amount": {"label": "金额"}}}}})})
    body = {"urgency": "high", "amount": 800000, "note": "as typed", "task": "follow_up", "flag": True}
    assert translations.facts_in(found, "tell", "zh-CN", body) == [
        ["紧急程度", "高"], ["金额", 800000], ["Note", "as typed"], ["Flag", True]]
    assert translations.facts_in(found, "tell", "zh-CN", {"urgency": "low"}) == [["紧急程度", "low"]]
    assert translations.facts_in(found, "other", "zh-CN", body) is None
    stage = translations.facts_in(found, "other", "zh-CN", {"stage": "Handover"},
                                  known=lambda v: "交接" if v == "Handover" else None)
    assert stage == [["阶段", "交接"]]  # "Stage" is a word the catalogs know


def test_a_fact_naming_no_parameter_of_its_element_is_a_problem_with_its_line(services):
    catalog = shipped(CATALOG)
    catalog["elements"]["urge_lead"]["facts"]["urgncy"] = {"label": "紧急"}
    catalog["elements"]["urge_lead"]["facts"]["urgency"]["values"] = ["高"]
    catalog["elements"]["follow_up_lead"]["facts"] = {"urgency": {"label": "紧急程度"}}
    text = dumped(catalog)
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, lead_files(catalog=text), "designer")
    said = [str(p) for p in refused.value.problems]
    assert f"{CATALOG}:{line_of(text, 'urgncy')}: urge_lead: the fact \"urgncy\" names no input parameter of " \
           "the element that it shows (it has urgency)" in said
    values_line = line_of(text, '"values": [')
    assert f"{CATALOG}:{values_line}: urge_lead: the values of the fact \"urgency\" map " \
           'each value to its words: {"high": "…"}' in said
    assert any(p.startswith(f"{CATALOG}:") and "follow_up_lead: the fact \"urgency\" names no input parameter"
               in p and "(it has none)" in p for p in said), said
    assert len(said) == 3


def test_an_untranslated_fact_label_is_a_warning_and_the_deploy_goes_ahead(services):
    catalog = shipped(CATALOG)
    del catalog["elements"]["urge_reassigned"]["facts"]
    [deployed] = deploy(services, lead_files(catalog=dumped(catalog)), "designer")
    assert deployed.created
    assert len(deployed.warnings) == 1
    assert deployed.warnings[0].startswith("bpmn/lead_response.bpmn:")
    assert "urge_reassigned: no zh-CN label for the fact \"urgency\"" in deployed.warnings[0]


def test_a_lifecycle_reminder_says_its_stage_in_the_boards_chinese_words(services, library):
    with freeze_time(T0) as clock:
        project = library.won_project()
        library.describe_opportunity(project)  # now in "Contract co-signing"
        clock.move_to(T0 + timedelta(hours=24, seconds=1))
        run_jobs(services)
    with services.sessions() as session:
        rows = [r for r in session.scalars(select(Outbox).where(Outbox.instance_id == project,
                                                                Outbox.topic == "notify"))
                if r.payload["element_id"] == "remind_contract"]
    assert rows
    for row in rows:
        assert row.payload["body"] == {"stage": "Contract co-signing"}  # the data, as the board stores it
        assert row.payload["facts"] == {"zh-CN": [["阶段", "合同会签"]]}
        assert row.payload["subjects"] == {"zh-CN": "阶段 合同会签（ACME Education）已 24 小时无人处理"}
