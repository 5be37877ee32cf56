"""In Chinese, in a browser: an admin gives a rep their language, mobile and WeCom id; a manager's charts speak Chinese.

The people page saves through `POST /api/v1/people`, so the API then returns what the admin chose (the
channels read a recipient's language and chat ids from there); a refused mobile is said next to its field.
"""

from __future__ import annotations

from sqlalchemy import select

from service.demo_projects import seed_projects
from service.flows.visibility import groups_of
from service.store.models import User
from tests.web.conftest import PASSWORD


def _speaks_chinese(services, *usernames: str) -> None:
    with services.sessions() as session:
        for user in session.scalars(select(User).where(User.username.in_(usernames))):
            user.locale = "zh-CN"
        session.commit()


def test_an_admin_in_chinese_sets_a_reps_language_mobile_and_wecom_id(services, library, person, live_server):
    _speaks_chinese(services, "admin")
    with services.sessions() as session:
        groups_before = groups_of(session, library.people["rep"])
    admin = person("admin")
    page = admin.open("/admin/people")
    assert page.inner_text("h1") == "人员"
    rita = page.locator("tr[data-username=rep]")
    assert rita.locator("td.language").inner_text() == "跟随浏览器"
    rita.locator("button:has-text('编辑')").click()
    assert page.inner_text("#form-title").startswith("编辑 Rita Patel")
    page.select_option("#person-form select[name=locale]", "zh-CN")
    page.fill("#person-form input[name=mobile]", "call me")  # not a number: the API refuses it
    page.fill("#person-form input[name=chat_wecom]", "RitaPatel")
    page.click("#person-form button:has-text('保存')")
    error = page.locator("#person-form .field-error[data-field=mobile]")
    error.wait_for()
    assert page.locator("#person-form input[name=mobile][aria-invalid=true]").count() == 1
    admin.shot("mobile-refused")
    page.fill("#person-form input[name=mobile]", "+86 138 0013 8000")
    page.click("#person-form button:has-text('保存')")
    page.wait_for_selector("tr[data-username=rep] td.language[data-locale=zh-CN]")
    assert page.locator("tr[data-username=rep] td.language").inner_text() == "简体中文"
    assert page.locator("#person-form .field-error").count() == 0
    admin.shot("rep-in-chinese")

    api = admin.page.request
    token = api.post(f"{live_server}/api/v1/auth/token",
                     data={"username": "admin", "password": PASSWORD}).json()["token"]
    people = api.get(f"{live_server}/api/v1/people", headers={"Authorization": f"Bearer {token}"}).json()
    saved = next(p for p in people if p["username"] == "rep")
    assert saved["locale"] == "zh-CN" and saved["mobile"] == "+86 138 0013 8000"
    assert saved["chat_ids"] == {"wecom": "RitaPatel"}
    assert saved["groups"] == groups_before and saved["manager"] == "sales_mgr"  # what the form showed, kept

    # Editing again shows what is stored; deactivating from the list keeps the language and ids it does not send
    page.locator("tr[data-username=rep] button:has-text('编辑')").click()
    assert page.input_value("#person-form input[name=chat_wecom]") == "RitaPatel"
    assert page.input_value("#person-form select[name=locale]") == "zh-CN"
    page.locator("tr[data-username=rep] button:has-text('停用')").click()
    page.wait_for_selector("tr[data-username=rep].inactive")
    with services.sessions() as session:
        rep = session.scalar(select(User).where(User.username == "rep"))
        assert not rep.active and rep.locale == "zh-CN" and rep.chat_ids == {"wecom": "RitaPatel"}


def test_the_dashboard_in_chinese_labels_its_charts_in_chinese(services, library, person):
    seed_projects(services)
    _speaks_chinese(services, "vp")
    page = person("vp").open("/dashboard")
    page.wait_for_function("() => Chart.getChart(document.getElementById('health-chart'))")
    charts = page.evaluate("""() => ['quality-chart', 'health-chart'].map((id) => {
        const chart = Chart.getChart(document.getElementById(id));
        return { labels: chart.data.labels, datasets: chart.data.datasets.map((d) => d.label),
                 tick: chart.options.scales.y.ticks.callback(50), locale: chart.options.locale };
    })""")
    quality, health = charts
    assert quality["labels"] == ["首次提交即完整的交接", "延迟超过 48 小时的交接"]
    assert quality["datasets"] == ["占交接的百分比"] and quality["tick"] == "50%"
    assert health["datasets"] == ["阶段任务完成率 %", "48 小时内响应率 %"] and health["locale"] == "zh-CN"
    assert "阶段看板" in page.inner_text("#board") and "合同会签" in page.inner_text("#board")
    person_shot = page.locator("section:has(#quality-chart)")
    assert "近 90 天的协作质量与流程健康度" in person_shot.inner_text()
