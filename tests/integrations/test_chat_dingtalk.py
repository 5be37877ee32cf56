"""DingTalk custom robot through the real outbox: signed URL, @ in the text and in ``at``, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.support import run_jobs

from .chat_receivers_cn import ChatReceiver
from .chat_setup import DING_SECRET, MOBILES, add_row, give_chat_ids, row

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
ROBOT = "/robot/send"


@pytest.fixture
def dingtalk():
    receiver = ChatReceiver(key="ding-token", dingtalk_secret=DING_SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def notify_settings(dingtalk, monkeypatch) -> dict:
    monkeypatch.setenv("TEST_DING_SECRET", DING_SECRET)
    return {"groups": {"sales-managers": {"channels": ["dingtalk"], "locale": "zh-CN",
                                          "dingtalk": {"url": dingtalk.dingtalk_url, "secret_env": "TEST_DING_SECRET"}},
                       "sales": {"channels": ["dingtalk"],
                                 "dingtalk": {"url": dingtalk.dingtalk_url, "secret": "not-the-robots-secret"}}}}


def test_the_url_is_signed_as_dingtalk_computes_it(services, library, dingtalk):
    with freeze_time(T0):
        row_id = add_row(services, "dingtalk", "groups/sales-managers")
        run_jobs(services)
    [got] = dingtalk.sent(ROBOT)
    timestamp = got.args["timestamp"]
    assert timestamp == str(int(T0.timestamp() * 1000))  # milliseconds
    mac = hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    assert got.args["sign"] == base64.b64encode(mac).decode()
    assert got.args["access_token"] == "ding-token"
    assert row(services, row_id).status == "sent"


def test_a_strong_message_ats_the_mobiles_in_the_text_and_in_at(services, library, dingtalk):
    give_chat_ids(services)
    people = library.people
    with freeze_time(T0):
        add_row(services, "dingtalk", "groups/sales-managers", strength="strong",
                mentions=[people["rep"], people["sales_mgr"]])
        run_jobs(services)
    message = dingtalk.sent(ROBOT)[0].json
    assert message["msgtype"] == "markdown"
    assert message["at"] == {"atMobiles": [MOBILES["rep"], MOBILES["sales_mgr"]],
                             "atUserIds": ["dt_rep", "dt_sales_mgr"], "isAtAll": False}
    text = message["markdown"]["text"]
    assert f"@{MOBILES['rep']} @{MOBILES['sales_mgr']}" in text  # DingTalk @s only who the text names
    assert text.endswith("[在 Handoff 中打开](https://handoff.acme.test/instances/1)")
    assert message["markdown"]["title"] == "Lead Northside High waits"


def test_a_normal_message_is_an_action_card_without_at(services, library, dingtalk):
    give_chat_ids(services)
    with freeze_time(T0):
        add_row(services, "dingtalk", "groups/sales-managers", mentions=[library.people["rep"]])
        run_jobs(services)
    message = dingtalk.sent(ROBOT)[0].json
    assert set(message) == {"msgtype", "actionCard"} and message["msgtype"] == "actionCard"
    card = message["actionCard"]
    assert (card["singleTitle"], card["singleURL"]) == ("在 Handoff 中打开", "https://handoff.acme.test/instances/1")
    assert "@" not in card["text"] and "> Company: Northside High" in card["text"]


def test_sent_too_fast_is_retried_after_the_minute(services, library, dingtalk):
    dingtalk.script = [{"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}]
    with freeze_time(T0) as clock:
        row_id = add_row(services, "dingtalk", "groups/sales-managers")
        run_jobs(services)
        assert row(services, row_id).next_attempt_at == T0 + timedelta(seconds=60)
        clock.move_to(T0 + timedelta(seconds=30))
        run_jobs(services)
        assert len(dingtalk.sent(ROBOT)) == 1
        clock.move_to(T0 + timedelta(seconds=60, milliseconds=500))
        run_jobs(services)
    assert (row(services, row_id).status, len(dingtalk.sent(ROBOT))) == ("sent", 2)


def test_a_wrong_signature_fails_at_once_with_dingtalks_words(services, library, dingtalk):
    with freeze_time(T0):
        row_id = add_row(services, "dingtalk", "groups/sales")
        run_jobs(services)
    failed = row(services, row_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "DingTalk errcode 310000: sign not match"
