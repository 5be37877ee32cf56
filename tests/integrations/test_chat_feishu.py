"""Feishu custom bot: the signed rich-text post a group sees, its @-mentions, and what each answer means."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.chat import feishu
from integrations.chat.model import ChatEndpoint, Mention, Permanent, Transient

from .chat_receivers import (
    FEISHU_OK,
    FEISHU_SECRET,
    HOSTILE,
    Answer,
    ChatReceiver,
    chat_message,
    deliver,
    feishu_card_markdown,
    feishu_elements,
    feishu_judge,
    feishu_receiver,  # noqa: F401 - the receiver fixture
    feishu_sign,
)

SECRET = FEISHU_SECRET
NOW = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)
PEOPLE = (Mention("Rita Patel", user_id="ou_rita"), Mention("Sam Lee", user_id="ou_sam"))


@pytest.fixture
def bot(feishu_receiver):  # noqa: F811 - the imported fixture, by name
    return feishu_receiver


def endpoint(receiver, secret=SECRET) -> ChatEndpoint:
    return ChatEndpoint(receiver.url, secret)


def test_a_signed_post_in_the_recipients_language_is_taken(bot):
    message = chat_message(locale="zh-CN", title="紧急线索：环球公司", facts=(("客户", "环球公司"), ("截止", "4月6日")),
                           link_label="在 Handoff 中打开")
    deliver(feishu, message, endpoint(bot), NOW)

    got = bot.last
    assert got.problems == []
    payload = got.json
    assert payload["timestamp"] == str(int(NOW.timestamp()))
    assert payload["sign"] == feishu_sign(payload["timestamp"], SECRET)
    body = payload["content"]["post"]["zh_cn"]
    assert body["title"] == "紧急线索：环球公司"
    assert [e["text"] for e in feishu_elements(payload, "text")] == ["客户: 环球公司", "截止: 4月6日"]
    assert feishu_elements(payload, "a") == [{"tag": "a", "text": "在 Handoff 中打开",
                                              "href": "https://handoff.acme.test/instances/7"}]


def test_a_normal_message_mentions_nobody(bot):
    deliver(feishu, chat_message(mentions=PEOPLE), endpoint(bot), NOW)

    assert bot.last.problems == []
    assert "en_us" in bot.last.json["content"]["post"]
    assert feishu_elements(bot.last.json, "at") == []


def test_a_strong_message_at_mentions_each_person_with_a_feishu_id(bot):
    people = (*PEOPLE, Mention("No Id"), Mention("Sneaky", user_id="all"))
    deliver(feishu, chat_message(strong=True, mentions=people), endpoint(bot), NOW)

    payload = bot.last.json
    assert bot.last.problems == []
    assert [(e["user_id"], e["user_name"]) for e in feishu_elements(payload, "at")] == [
        ("ou_rita", "Rita Patel"), ("ou_sam", "Sam Lee")]
    first_line = payload["content"]["post"]["en_us"]["content"][0]
    assert {"tag": "text", "text": "@No Id"} in first_line and {"tag": "text", "text": "@Sneaky"} in first_line


CARD = {"format": "card"}


def test_a_card_bot_gets_an_interactive_card_with_a_button(bot):
    message = chat_message(locale="zh-CN", title="紧急线索：环球公司", facts=(("客户", "环球公司"), ("截止", "4月6日")),
                           link_label="在 Handoff 中打开", mentions=PEOPLE)
    deliver(feishu, message, ChatEndpoint(bot.url, SECRET, CARD), NOW)

    payload = bot.last.json
    assert bot.last.problems == []
    assert payload["msg_type"] == "interactive" and payload["sign"] == feishu_sign(payload["timestamp"], SECRET)
    card = payload["card"]
    assert card["header"] == {"title": {"tag": "plain_text", "content": "紧急线索：环球公司"}, "template": "blue"}
    assert card["elements"][0]["text"] == {"tag": "plain_text", "content": "客户: 环球公司\n截止: 4月6日"}
    button = card["elements"][-1]["actions"][0]
    assert (button["url"], button["text"]["content"]) == ("https://handoff.acme.test/instances/7", "在 Handoff 中打开")
    assert feishu_card_markdown(payload) == []  # a normal card mentions nobody


def test_a_strong_card_is_red_and_at_mentions_in_lark_md(bot):
    people = (*PEOPLE, Mention("No Id"), Mention("Everyone", user_id="all"),
              Mention("Odd", user_id="x></at><at id=all"))
    message = chat_message(strong=True, mentions=people, customer=HOSTILE)
    deliver(feishu, message, ChatEndpoint(bot.url, SECRET, CARD), NOW)

    payload = bot.last.json
    assert bot.last.problems == []
    assert payload["card"]["header"]["template"] == "red"
    assert feishu_card_markdown(payload) == ["<at id=ou_rita></at> <at id=ou_sam></at>"]  # and no customer words
    plain = [e["text"]["content"] for e in payload["card"]["elements"] if e["tag"] == "div"][1:]
    assert plain[0] == "@No Id @Everyone @Odd" and f"Customer: {HOSTILE}" in plain[1]


def test_a_bot_without_a_secret_gets_no_sign():
    with ChatReceiver(feishu_judge(None), FEISHU_OK) as open_bot:
        deliver(feishu, chat_message(), endpoint(open_bot, secret=None), NOW)
        assert open_bot.last.problems == []
        assert "sign" not in open_bot.last.json and "timestamp" not in open_bot.last.json


def test_a_wrong_secret_is_refused_with_feishus_words(bot):
    with pytest.raises(Permanent, match="19021: sign match fail"):
        deliver(feishu, chat_message(), endpoint(bot, secret="another-secret-0000"), NOW)
    assert bot.last.problems == ["sign does not match timestamp + secret"]


def test_a_keyword_bot_gets_its_keyword_before_a_title_that_lacks_it():
    with ChatReceiver(feishu_judge(None, keyword="Handoff"), FEISHU_OK) as keyword_bot:
        lacking = ChatEndpoint(keyword_bot.url, options={"keyword": "交付"})
        with pytest.raises(Permanent, match="19024: Key Words Not Found"):
            deliver(feishu, chat_message(locale="zh-CN", link_label="打开"), lacking, NOW)
        deliver(feishu, chat_message(locale="zh-CN", link_label="打开"),
                ChatEndpoint(keyword_bot.url, options={"keyword": "Handoff"}), NOW)
        assert keyword_bot.last.problems == []
        assert keyword_bot.last.json["content"]["post"]["zh_cn"]["title"] == "[Handoff] Urgent lead: Globex"
        deliver(feishu, chat_message(), ChatEndpoint(keyword_bot.url, options={"keyword": "Handoff"}), NOW)
        assert keyword_bot.last.json["content"]["post"]["en_us"]["title"] == "Urgent lead: Globex"  # has it


@pytest.mark.parametrize("answer, wait", [
    (Answer(400, {"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"}), 60.0),
    (Answer(400, {"code": 9499, "msg": "too many request", "data": {}}), 60.0),
    (Answer(429, {"code": 99991400, "msg": "request trigger frequency limit"}, {"x-ogw-ratelimit-reset": "7"}), 7.0),
])
def test_a_rate_limit_is_retried_after_the_wait(bot, answer, wait):
    bot.answer_next(answer)
    with pytest.raises(Transient) as raised:
        deliver(feishu, chat_message(), endpoint(bot), NOW)
    assert raised.value.retry_after_s == wait
    deliver(feishu, chat_message(), endpoint(bot), NOW)  # the bot takes the retry
    assert len(bot.requests) == 2


@pytest.mark.parametrize("answer, words", [
    (Answer(200, {"code": 19024, "msg": "Key Words Not Found"}), "19024: Key Words Not Found"),
    (Answer(200, {"code": 19022, "msg": "Ip Not Allowed"}), "19022: Ip Not Allowed"),
    (Answer(400, {"code": 9499, "msg": "Bad Request", "data": {}}), "9499: Bad Request"),
])
def test_the_bots_refusals_fail_at_once_with_its_words(bot, answer, words):
    bot.answer_next(answer)
    with pytest.raises(Permanent, match=words):
        deliver(feishu, chat_message(), endpoint(bot), NOW)


def test_an_older_bots_status_code_zero_is_success_and_a_5xx_is_retried(bot):
    bot.answer_next(Answer(200, {"StatusCode": 0, "StatusMessage": "success"}), Answer(502, "Bad Gateway"))
    deliver(feishu, chat_message(), endpoint(bot), NOW)
    with pytest.raises(Transient, match="HTTP 502"):
        deliver(feishu, chat_message(), endpoint(bot), NOW)


def test_a_hostile_customer_name_is_shown_as_text_and_pings_nobody(bot):
    deliver(feishu, chat_message(customer=HOSTILE, strong=True, mentions=PEOPLE[:1]), endpoint(bot), NOW)

    payload = bot.last.json
    assert bot.last.problems == []
    assert [e["user_id"] for e in feishu_elements(payload, "at")] == ["ou_rita"]
    assert payload["content"]["post"]["en_us"]["title"] == f"Urgent lead: {HOSTILE}"
    assert f"Customer: {HOSTILE}" in [e["text"] for e in feishu_elements(payload, "text")]
    assert all(set(e) == {"tag", "text"} for e in feishu_elements(payload, "text"))  # never un_escape
