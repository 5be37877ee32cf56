"""R7's urgent lead read in Chinese: the lines under the subject are Chinese too ("紧急程度: 高").

The real flows: the lead starts, freezegun moves past the 2-hour timer, RQ workers ring it and deliver
the outbox by e-mail (a local SMTP receiver) and to a DingTalk group robot (a local HTTP receiver). The
rep reads Chinese; the manager has no language, so reads English: the same row says both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from tests.support import run_jobs

from .chat_receivers_cn import ChatReceiver
from .chat_setup import DING_SECRET, give_chat_ids
from .conftest import REP_ADDRESS

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
MANAGER_ADDRESS = "sam.manager@acme.test"


@pytest.fixture
def dingtalk():
    receiver = ChatReceiver(key="ding-token", dingtalk_secret=DING_SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def notify_settings(dingtalk) -> dict:
    return {"users": {"rep": {"channels": ["inapp", "email"], "email": REP_ADDRESS},
                      "sales_mgr": {"channels": ["inapp", "email"], "email": MANAGER_ADDRESS}},
            "groups": {"technical-sales": {"channels": ["inapp", "dingtalk"], "locale": "zh-CN",
                                           "dingtalk": {"url": dingtalk.dingtalk_url, "secret": DING_SECRET}}}}


def _urgent_lead(services) -> None:
    with freeze_time(T0) as clock:
        instances.start_process(services, "lead_response", {
            "company": "Northside High", "industry": "education", "budget": 600000,
            "decision_maker_level": "principal"})  # routed to technical-sales: Rita; her manager is Sam
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)


def test_the_urgent_lead_mail_reads_its_facts_in_the_readers_language(services, library, smtp, dingtalk):
    give_chat_ids(services, rep="zh-CN")
    _urgent_lead(services)
    [chinese] = [m for m in smtp.messages if REP_ADDRESS in m["To"]]
    [english] = [m for m in smtp.messages if MANAGER_ADDRESS in m["To"]]
    text, html = chinese.get_body(("plain",)).get_content(), chinese.get_body(("html",)).get_content()
    assert chinese["Subject"] == "紧急：线索 Northside High 已等待 2 小时"
    assert "紧急程度: 高" in text and "Urgency" not in text and "high" not in text
    assert "<th align='left'>紧急程度</th><td>高</td>" in html
    plain = english.get_body(("plain",)).get_content()
    assert english["Subject"] == "URGENT: lead Northside High has waited 2 hours"
    assert "Urgency: high" in plain and "紧急" not in plain


def test_the_urgent_lead_reaches_the_dingtalk_group_with_chinese_facts(services, library, smtp, dingtalk):
    give_chat_ids(services)
    _urgent_lead(services)
    [got] = dingtalk.sent("/robot/send")
    markdown = got.json["markdown"]["text"]
    assert markdown.startswith("#### 紧急：线索 Northside High 已等待 2 小时")
    assert "> 紧急程度: 高" in markdown and "Urgency" not in markdown
