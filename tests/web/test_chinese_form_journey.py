"""A Chinese-speaking rep fills the handover's first part in the browser: the page, json-editor's own buttons and
its validation messages all read in Chinese, and what she submits still lands (R2)."""

from __future__ import annotations

import os

import pytest

from tests.support import instance, task_by_element
from tests.web.conftest import ARTIFACTS, PASSWORD, Person

pytestmark = pytest.mark.browser


def chinese_rep(browser, live_server, name: str) -> Person:
    """Rita logs in from a browser set to Chinese (its Accept-Language): her profile becomes zh-CN."""
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    rep = Person(context, live_server, "rep", ARTIFACTS / os.environ.get("HANDOFF_TEST_DB", "sqlite") / name)
    rep.page.goto(f"{live_server}/login")
    assert rep.page.inner_text("h1") == "登录"
    rep.page.fill("input[name=username]", "rep")
    rep.page.fill("input[name=password]", PASSWORD)
    rep.page.click("button.primary")
    rep.page.wait_for_url(f"{live_server}/tasks")
    return rep


def test_a_chinese_rep_fills_a_form_whose_buttons_and_messages_are_chinese(browser, live_server, library, services):
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    task = task_by_element(services, project, "core_requirements")
    rep = chinese_rep(browser, live_server, "test_a_chinese_rep_fills_a_form")
    try:
        page = rep.page
        assert "分配给我的" in page.inner_text("main")
        page.goto(f"{live_server}/tasks/{task.id}")
        page.wait_for_selector("#task-form[data-ready=yes]")
        assert page.inner_text(".form-legend") == "标有 * 的字段为必填项。"
        add = page.locator("[data-schemapath='root.requirements.items'] button.json-editor-btntype-add:visible").first
        assert add.inner_text().startswith("添加"), add.inner_text()  # json-editor's own "Add …" in Chinese
        add.click()
        remove = page.locator("[data-schemapath='root.requirements.items'] button.json-editor-btntype-delete:visible")
        assert remove.first.inner_text().startswith("删除"), remove.first.inner_text()
        assert page.inner_text("#submit") == "提交" and "退回给组" in page.inner_text(".form-actions")

        phone = page.locator("[name='root[requirements][contact_phone]']")
        phone.fill("123")
        phone.blur()  # json-editor checks a field as it is left: minLength 5
        field = page.locator("[data-schemapath='root.requirements.contact_phone']")
        field.locator("text=请至少填写 5 个字符").wait_for()
        assert "Please" not in field.inner_text() and "Value must" not in field.inner_text()
        rep.shot("form-in-chinese")

        page.fill("[name='root[requirements][items][0][requirement]']", "对接学校的 LDAP 单点登录")
        page.fill("[name='root[requirements][contact_name]']", "李伟")
        phone.fill("+86 10 5555 0101")
        page.click("#submit")
        page.wait_for_url("**/tasks?done=*")
        assert "您已完成“" in page.inner_text("#done")
        assert instance(services, project).data["requirements"]["contact_name"] == "李伟"
        rep.shot("tasks")
        page.goto(f"{live_server}/instances/{project}")
        page.wait_for_selector("#diagram[data-marked]")
        assert "时间线" in page.inner_text("main") and "即将到期的计时器" in page.inner_text("main")
        rep.shot("instance")
    finally:
        rep.shot("last")
        rep.page.context.close()
    assert not rep.errors, rep.errors
    assert not rep.csp_violations, rep.csp_violations
