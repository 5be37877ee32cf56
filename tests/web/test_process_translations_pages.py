"""Pages show a process's own words in the viewer's language: task names, the form json-editor gets,
the instance page's words for stored values, and the diagram bpmn-js draws."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from service.app import create_app
from tests.support import instance, task_by_element
from tests.web.test_pages import logged_in


@pytest.fixture
def app(services, library):
    return create_app(services.config, services)


def schema_on(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="task-schema">(.*?)</script>', page, re.S)
    return json.loads(unescape(found.group(1)))


def test_a_task_reads_in_chinese_for_a_chinese_viewer_and_in_english_for_an_english_one(app, services, library):
    project = library.won_project()
    library.describe_opportunity(project)
    task = task_by_element(services, project, "submit_contract")
    rep = logged_in(app, "rep")
    chinese = rep.get(f"/tasks/{task.id}?lang=zh-CN").get_data(as_text=True)
    assert "<h1>提交合同审核</h1>" in chinese
    form = schema_on(chinese)
    assert form["title"] == "提交合同审核"
    invoice = form["properties"]["invoice_type"]
    assert invoice["title"] == "发票类型"
    assert invoice["x-enum-titles"] == {"vat_special": "增值税专用发票", "vat_general": "增值税普通发票",
                                        "receipt": "收据"}
    assert invoice["enum"] == ["vat_special", "vat_general", "receipt"]  # what is stored stays the value
    assert "提交合同审核" in rep.get("/tasks?lang=zh-CN").get_data(as_text=True)

    english = rep.get(f"/tasks/{task.id}?lang=en").get_data(as_text=True)
    assert "<h1>Submit the contract for review</h1>" in english
    assert schema_on(english)["properties"]["invoice_type"]["x-enum-titles"]["vat_special"] == "VAT special invoice"
    assert "提交合同审核" not in rep.get("/tasks?lang=en").get_data(as_text=True)


def test_a_stored_enum_value_keeps_its_value_and_reads_in_the_viewers_language(app, services, library):
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-9", "contract_amount": 800000, "terms": "net 30", "invoice_type": "vat_special"})
    assert instance(services, project).data["invoice_type"] == "vat_special"
    rep = logged_in(app, "rep")
    chinese = rep.get(f"/instances/{project}?lang=zh-CN").get_data(as_text=True)
    assert "增值税专用发票" in chinese and "发票类型" in chinese
    assert "项目生命周期：从商机到回款" in chinese  # the process name, without the rule ids
    english = rep.get(f"/instances/{project}?lang=en").get_data(as_text=True)
    assert "VAT special invoice" in english and "增值税专用发票" not in english


def test_the_diagram_is_drawn_with_the_viewers_names(app, services, library):
    project = library.won_project()
    rep = logged_in(app, "rep")
    token = re.search(r'name="api-token" content="([^"]+)"', rep.get("/tasks").get_data(as_text=True)).group(1)
    url = f"/api/v1/instances/{project}/diagram"
    chinese = rep.get(url, headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}).get_json()
    assert 'name="填写赢单商机"' in chinese["xml"] and 'name="销售"' in chinese["xml"]
    english = rep.get(url, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"}).get_json()
    assert 'name="Describe the won opportunity"' in english["xml"] and "填写赢单商机" not in english["xml"]
