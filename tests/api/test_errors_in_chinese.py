"""API errors and flow notifications in the reader's language: Accept-Language first, then the profile.

The same request answers in Chinese with ``Accept-Language: zh-CN`` and in English without it; a person
whose profile says zh-CN reads Chinese without sending the header; a cancelled project's notification
reaches each assignee in their own language, whoever cancelled it.
"""

from __future__ import annotations

import re

from tests.library import Library
from tests.support import run_jobs

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
OPPORTUNITY = {"customer": "ACME Education", "contract_value": 800000,
               "decision_makers": [{"name": "Li Wei", "role": "principal"}], "product": "Enterprise",
               "kb_version": "V3.2"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str) -> bool:
    return bool(HAN.search(text))


def opportunity_task(api) -> dict:
    project = api.start_project("rep")
    [task] = [t for t in api.client.get("/api/v1/tasks", headers=api.login("rep")).json
              if t["instance_id"] == project["id"]]
    return task


def complete(api, who, task, body, extra=None):
    return api.client.post(f"/api/v1/tasks/{task['id']}/complete", headers={**api.login(who), **(extra or {})},
                           json=body)


def test_forbidden_stale_and_not_found_answer_in_the_requests_language(api):
    task = opportunity_task(api)
    body = {"data": {**OPPORTUNITY, "customer_id": api.customer_id}}

    forbidden = complete(api, "rep2", task, body, ZH)
    assert forbidden.status_code == 403 and forbidden.json["code"] == "forbidden"
    assert forbidden.json["message"] == "此任务由 Rita Patel (Sales rep) 处理：只有其本人可以完成（其主管可以改派）"
    english = complete(api, "rep2", task, body)
    assert english.json["message"] == ("Rita Patel (Sales rep) holds this task: only they can complete it "
                                       "(a manager of theirs can reassign it)")

    stale = complete(api, "rep", task, body, {**ZH, "If-Match": '"99"'})
    assert stale.status_code == 409 and stale.json["code"] == "conflict"
    assert stale.json["message"] == f"任务 {task['id']} 已被修改（当前版本 {task['version']}，您提交的是 99）"
    assert complete(api, "rep", task, body, {"If-Match": '"99"'}).json["message"] == (
        f"task {task['id']} changed (version {task['version']}, you sent 99)")

    missing = api.client.get("/api/v1/tasks/987654", headers={**api.login("rep"), **ZH})
    assert missing.status_code == 404 and missing.json["message"] == "没有您可查看的任务 987654"
    assert api.client.get("/api/v1/tasks/987654", headers=api.login("rep")).json["message"] == (
        "no task 987654 that you can see")


def test_invalid_form_data_names_each_field_in_chinese(api):
    task = opportunity_task(api)
    bad = complete(api, "rep", task, {"data": {"contract_value": -1}}, ZH)
    assert bad.status_code == 422 and bad.json["code"] == "invalid_form"
    assert re.fullmatch(r"请修改下方标出的 \d+ 个字段。", bad.json["message"]), bad.json["message"]
    errors = bad.json["errors"]
    assert {"contract_value", "customer_id", "product", "kb_version"} <= set(errors)
    assert all(chinese(text) for texts in errors.values() for text in texts), errors
    assert any("为必填项" in text for text in errors["product"]), errors["product"]
    assert any("必须大于 0" in text for text in errors["contract_value"]), errors["contract_value"]

    plain = complete(api, "rep", task, {"data": {"contract_value": -1}})
    assert re.fullmatch(r"Please correct the \d+ fields marked below\.", plain.json["message"])
    assert not any(chinese(text) for texts in plain.json["errors"].values() for text in texts)
    assert any(text.endswith("is required") for text in plain.json["errors"]["product"])


def test_a_request_body_of_the_wrong_shape_is_refused_in_chinese(api):
    project = api.start_project("rep")
    url = f"/api/v1/instances/{project['id']}/cancel"
    manager = api.login("sales_mgr")

    missing = api.client.post(url, headers={**manager, **ZH}, json={})
    assert missing.status_code == 422 and missing.json["code"] == "invalid_request"
    assert missing.json["errors"]["reason"] == ["缺少必填字段。"]
    assert api.client.post(url, headers=manager, json={}).json["errors"]["reason"] == [
        "Missing data for required field."]

    wrong = api.client.post(url, headers={**manager, **ZH}, json={"reason": "x", "version": "three"})
    assert wrong.status_code == 422 and wrong.json["errors"]["version"] == ["不是有效的整数。"]
    assert api.client.post(url, headers=manager, json={"reason": "x", "version": "three"}).json[
        "errors"]["version"] == ["Not a valid integer."]


def test_a_frozen_project_refuses_work_in_chinese(api, services):
    library = Library(services, api.people, api.customer_id)
    project = api.start_project("rep")
    frozen = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers=api.login("sales_mgr"),
                             json={"reason": "the customer asked to pause"})
    assert frozen.status_code == 200, frozen.json
    [task] = [t for t in api.client.get("/api/v1/tasks", headers=api.login("rep")).json
              if t["instance_id"] == project["id"]]
    body = {"data": {**OPPORTUNITY, "customer_id": api.customer_id}}
    refused = complete(api, "rep", task, body, ZH)
    assert refused.status_code == 409 and refused.json["code"] == "instance_frozen"
    assert refused.json["message"] == f"项目 {project['id']} 已冻结：the customer asked to pause"
    assert complete(api, "rep", task, body).json["message"] == (
        f"instance {project['id']} is frozen: the customer asked to pause")
    again = api.client.post(f"/api/v1/instances/{project['id']}/freeze", headers={**api.login("sales_mgr"), **ZH},
                            json={"reason": "twice"})
    assert again.status_code == 409 and again.json["message"] == f"项目 {project['id']} 已被冻结"
    assert library  # the project stays frozen: nothing else moved it


def test_the_profile_language_is_used_when_no_header_is_sent(api):
    task = opportunity_task(api)
    rep2 = api.login("rep2")
    assert api.client.patch("/api/v1/me", headers=rep2, json={"locale": "zh-CN"}).status_code == 200
    refused = complete(api, "rep2", task, {"data": {}})
    assert refused.status_code == 403 and chinese(refused.json["message"]), refused.json
    header_wins = complete(api, "rep2", task, {"data": {}}, {"Accept-Language": "en"})
    assert not chinese(header_wins.json["message"])


def test_a_cancelled_projects_notification_reaches_each_assignee_in_their_language(api, services):
    library = Library(services, api.people, api.customer_id)
    project = api.start_project("rep")
    library.describe_opportunity(project["id"])
    library.task(project["id"], "submit_contract", "rep", {
        "contract_number": "C-1", "contract_amount": 1, "terms": "all on acceptance", "invoice_type": "vat_special"})
    for who in ("legal", "delivery"):
        [review] = [t for t in api.client.get("/api/v1/tasks?scope=groups", headers=api.login(who)).json
                    if t["instance_id"] == project["id"]]
        claimed = api.client.post(f"/api/v1/tasks/{review['id']}/claim", headers=api.login(who), json={})
        assert claimed.status_code == 200, claimed.json
    api.client.patch("/api/v1/me", headers=api.login("legal"), json={"locale": "zh-CN"})
    api.client.patch("/api/v1/me", headers=api.login("delivery"), json={"locale": "en"})

    done = api.client.post(f"/api/v1/instances/{project['id']}/cancel", headers=api.login("sales_mgr"),
                           json={"reason": "lost deal"})
    assert done.status_code == 200, done.json
    run_jobs(services)

    def subjects(who):
        inbox = api.client.get("/api/v1/messages", headers=api.login(who)).json["messages"]
        return [m["subject"] for m in inbox if m["instance_id"] == project["id"]]

    assert f"已取消：project_lifecycle #{project['id']}（ACME Education）" in subjects("legal")
    assert f"Cancelled: project_lifecycle #{project['id']} (ACME Education)" in subjects("delivery")
    assert not any(chinese(s) for s in subjects("delivery"))


def test_a_chinese_422_names_each_field_by_its_chinese_title(api):
    """The form's zh-CN file (forms/lifecycle/opportunity.zh-CN.json) words the fields, not only Handoff's."""
    task = opportunity_task(api)
    data = {"contract_value": -1, "decision_makers": [{"role": "principal"}]}
    bad = complete(api, "rep", task, {"data": data}, ZH)
    errors = bad.json["errors"]
    assert "产品 为必填项" in errors["product"], errors["product"]
    assert "合同金额 必须大于 0" in errors["contract_value"], errors["contract_value"]
    assert any("决策人 1" in text and "姓名" in text for text in errors["decision_makers.0.name"]), errors
    assert not any(word in text for texts in errors.values() for text in texts
                   for word in ("Product", "Contract value", "Decision maker", "Name")), errors
    plain = complete(api, "rep", task, {"data": data}).json["errors"]
    assert "Product is required" in plain["product"] and "Contract value must be more than 0" in \
        plain["contract_value"], plain
