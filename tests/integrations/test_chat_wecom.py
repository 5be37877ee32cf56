"""WeCom group robot and WeCom app messages, delivered through the real outbox to a local WeCom stand-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import outbox
from tests.support import closed_port, run_jobs

from .chat_receivers_cn import ChatReceiver
from .chat_setup import APP_SECRET, MOBILES, add_row, give_chat_ids, row

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
ROBOT = "/cgi-bin/webhook/send"
DOWN = f"http://127.0.0.1:{closed_port()}/cgi-bin/webhook/send?key=secret-robot-key"  # a robot that is down
APP = "/cgi-bin/message/send"


@pytest.fixture
def wecom():
    receiver = ChatReceiver(corp_secret=APP_SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def notify_settings(wecom) -> dict:
    app = {"corp_id": wecom.corp_id, "agent_id": 1000002, "secret": APP_SECRET, "url": wecom.base}
    return {"groups": {"technical-sales": {"channels": ["inapp", "wecom"], "locale": "zh-CN",
                                           "wecom": {"url": wecom.wecom_url}},
                       "sales": {"channels": ["wecom_app"], "wecom_app": app},
                       "finance": {"channels": ["wecom"], "wecom": {"url": f"{wecom.base}{ROBOT}?key=wrong"}},
                       "delivery": {"channels": ["wecom"], "wecom": {"url": DOWN}}}}


def test_a_strong_message_is_text_mentioning_the_people_by_mobile_and_userid(services, library, wecom):
    give_chat_ids(services)
    people = library.people
    with freeze_time(T0):
        row_id = add_row(services, "wecom", "groups/technical-sales", strength="strong",
                         mentions=[people["rep"], people["sales_mgr"]])
        run_jobs(services)
    [got] = wecom.sent(ROBOT)
    assert got.args["key"] == wecom.key and got.content_type.startswith("application/json")
    message = got.json
    assert message["msgtype"] == "text"
    assert message["text"]["mentioned_mobile_list"] == [MOBILES["rep"], MOBILES["sales_mgr"]]
    assert message["text"]["mentioned_list"] == ["wx_rep", "wx_sales_mgr"]
    assert message["text"]["content"].startswith("Lead Northside High waits\nCompany: Northside High")
    assert "在 Handoff 中打开: https://handoff.acme.test/instances/1" in message["text"]["content"]  # a zh-CN group
    assert (row(services, row_id).status, row(services, row_id).attempts) == ("sent", 1)


def test_a_normal_message_is_markdown_and_mentions_nobody(services, library, wecom):
    give_chat_ids(services)
    with freeze_time(T0):
        add_row(services, "wecom", "groups/technical-sales", mentions=[library.people["rep"]],
                subjects={"zh-CN": "线索 Northside High 待跟进"})
        run_jobs(services)
    [got] = wecom.sent(ROBOT)
    assert got.json["msgtype"] == "markdown" and set(got.json) == {"msgtype", "markdown"}
    content = got.json["markdown"]["content"]
    assert content.startswith("**线索 Northside High 待跟进**\n> Company: Northside High\n")
    assert content.endswith("[在 Handoff 中打开](https://handoff.acme.test/instances/1)")
    assert "mentioned" not in got.body.decode() and MOBILES["rep"] not in got.body.decode()


def test_over_the_rate_limit_it_is_retried_not_before_a_minute(services, library, wecom):
    wecom.script = [{"errcode": 45009, "errmsg": "api freq out of limit"}]
    with freeze_time(T0) as clock:
        row_id = add_row(services, "wecom", "groups/technical-sales")
        run_jobs(services)
        first = row(services, row_id)
        assert (first.status, first.next_attempt_at) == ("pending", T0 + timedelta(seconds=60))
        assert first.last_error == "Transient: WeCom errcode 45009: api freq out of limit"
        clock.move_to(T0 + timedelta(seconds=59))
        run_jobs(services)
        assert len(wecom.sent(ROBOT)) == 1  # the default backoff (5 s) would have sent it by now
        clock.move_to(T0 + timedelta(seconds=61))
        run_jobs(services)
    assert len(wecom.sent(ROBOT)) == 2
    assert (row(services, row_id).status, row(services, row_id).attempts) == ("sent", 2)


def test_system_busy_keeps_the_usual_backoff(services, library, wecom):
    wecom.script = [{"errcode": -1, "errmsg": "system busy"}]
    with freeze_time(T0):
        row_id = add_row(services, "wecom", "groups/technical-sales")
        run_jobs(services)
    assert (row(services, row_id).status, row(services, row_id).next_attempt_at) == ("pending",
                                                                                      T0 + timedelta(seconds=5))


def test_an_invalid_key_fails_at_once_with_wecoms_words(services, library, wecom):
    with freeze_time(T0) as clock:
        row_id = add_row(services, "wecom", "groups/finance")
        run_jobs(services)
        clock.move_to(T0 + timedelta(hours=1))
        run_jobs(services)
    failed = row(services, row_id)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 1, None)
    assert failed.last_error == "WeCom errcode 93000: invalid webhook url"
    assert len(wecom.sent(ROBOT)) == 1


def test_the_app_token_is_fetched_once_and_again_when_wecom_says_it_expired(services, library, wecom):
    give_chat_ids(services, rep="zh-CN")
    with freeze_time(T0) as clock:
        first = add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep"])
        second = add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep2"])
        run_jobs(services)
        assert wecom.tokens_issued == ["token-1"]
        wecom.expire_tokens()  # WeCom revoked it early: the next send answers 42001
        clock.move_to(T0 + timedelta(minutes=10))
        third = add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep"])
        run_jobs(services)
    assert wecom.tokens_issued == ["token-1", "token-2"]
    assert [row(services, r).status for r in (first, second, third)] == ["sent"] * 3
    sends = wecom.sent(APP)
    assert [g.args["access_token"] for g in sends] == ["token-1", "token-1", "token-1", "token-2"]
    card = sends[0].json
    assert (card["touser"], card["agentid"], card["msgtype"]) == ("wx_rep", 1000002, "textcard")
    assert card["textcard"]["url"] == "https://handoff.acme.test/instances/1"
    assert card["textcard"]["btntxt"] == "详情"  # Rita reads Chinese
    assert sends[1].json["touser"] == "wx_rep2" and sends[1].json["textcard"]["btntxt"] == "Details"


def test_the_app_token_is_fetched_again_after_it_runs_out(services, library, wecom):
    give_chat_ids(services)
    with freeze_time(T0) as clock:
        add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep"])
        run_jobs(services)
        clock.move_to(T0 + timedelta(seconds=7200))
        add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep"])
        run_jobs(services)
    assert wecom.tokens_issued == ["token-1", "token-2"]
    assert [g.path for g in wecom.got].count(APP) == 2  # no send with the stale token


def test_a_person_without_a_wecom_userid_fails_with_the_reason(services, library, wecom):
    with freeze_time(T0):
        row_id = add_row(services, "wecom_app", "groups/sales", recipient_id=library.people["rep"])
        run_jobs(services)
    assert row(services, row_id).status == "failed"
    assert row(services, row_id).last_error == "WeCom: the person has no WeCom userid (chat_ids.wecom)"


def test_a_robot_that_does_not_answer_is_retried_with_the_backoff_and_its_key_never_logged(services, library):
    with freeze_time(T0):
        row_id = add_row(services, "wecom", "groups/delivery")
        run_jobs(services)
    pending = row(services, row_id)
    assert (pending.status, pending.next_attempt_at) == ("pending", T0 + outbox.BASE_BACKOFF)
    assert pending.last_error.startswith("Transient: ConnectError talking to 127.0.0.1:")
    assert "secret-robot-key" not in pending.last_error


def test_a_delivered_message_leaves_the_robot_key_out_of_the_worker_log(services, library, wecom):
    """httpx logs each request's URL at INFO, and a robot's URL is its key: the worker's logging quiets it."""
    import io
    import logging

    from service.logging_setup import configure

    stream = io.StringIO()
    handler = configure("INFO", "text", stream)
    try:
        with freeze_time(T0):
            row_id = add_row(services, "wecom", "groups/technical-sales")
            run_jobs(services)
        assert row(services, row_id).status == "sent"
        assert wecom.key not in stream.getvalue()
    finally:
        logging.getLogger().removeHandler(handler)
