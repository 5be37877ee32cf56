"""R7 end to end: a lead unopened for 2 hours reaches the team's WeCom group as a strong reminder.

The real flows: the lead starts, freezegun moves past the 2-hour timer, RQ workers ring it and
deliver the outbox to a local WeCom robot, which must see the rep's and the manager's mobiles in
``mentioned_mobile_list`` and Handoff's words in Chinese (the group's configured language).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from service.flows import instances
from service.store.models import Outbox
from tests.support import inbox, run_jobs, task_by_element

from .chat_receivers_cn import ChatReceiver
from .chat_setup import MOBILES, give_chat_ids

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
SUBJECT = "URGENT: lead Northside High has waited 2 hours"
SUBJECT_ZH = "紧急：线索 Northside High 已等待 2 小时"  # bpmn/lead_response.zh-CN.json's subject, filled the same


@pytest.fixture
def wecom():
    receiver = ChatReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def notify_settings(wecom) -> dict:
    return {"groups": {"technical-sales": {"channels": ["inapp", "wecom"], "locale": "zh-CN",
                                           "wecom": {"url": wecom.wecom_url}}}}


def _lead(services) -> int:
    data = {"company": "Northside High", "industry": "education", "budget": 600000,
            "decision_maker_level": "principal"}
    return instances.start_process(services, "lead_response", data).instance_id


def test_an_urgent_lead_reaches_the_wecom_group_mentioning_the_rep_and_the_manager(services, library, wecom):
    give_chat_ids(services)
    with freeze_time(T0) as clock:
        lead = _lead(services)  # routed to technical-sales: Rita; her manager is Sam
        run_jobs(services)
        assert wecom.got == []
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
    [got] = wecom.sent("/cgi-bin/webhook/send")
    message = got.json
    assert message["msgtype"] == "text"
    assert message["text"]["mentioned_mobile_list"] == [MOBILES["rep"], MOBILES["sales_mgr"]]
    content = message["text"]["content"]
    assert content.startswith(SUBJECT_ZH + "\n")  # the diagram's own Chinese subject, for a zh-CN group
    assert "在 Handoff 中打开: https://handoff.acme.test/" in content
    assert "紧急程度: 高" in content and "Urgency" not in content  # the diagram's Chinese fact and value
    assert "strength" not in content.lower()
    with services.sessions() as session:
        [row] = session.scalars(select(Outbox).where(Outbox.channel == "wecom", Outbox.instance_id == lead))
        assert (row.status, row.recipient_id, row.payload["chat"]) == ("sent", None, "groups/technical-sales")
        assert row.payload["strength"] == "strong" and "strength" not in row.payload["body"]
        assert row.payload["mentions"] == [library.people["rep"], library.people["sales_mgr"]]
    for person in ("rep", "sales_mgr"):  # the inbox still has it
        assert [m.subject for m in inbox(services, library.people[person])] == [SUBJECT]


def test_a_claimed_lead_sends_nothing_to_the_group(services, library, wecom):
    give_chat_ids(services)
    with freeze_time(T0) as clock:
        lead = _lead(services)
        task = task_by_element(services, lead, "follow_up_lead")
        instances.claim_task(services, task.id, library.people["rep"])
        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
    assert wecom.got == []
