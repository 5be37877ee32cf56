"""Slack incoming webhook: the Block Kit message a channel sees, its `<@U…>` mentions, and Slack's answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.chat import slack
from integrations.chat.model import ChatEndpoint, Mention, Permanent, Transient

from .chat_receivers import (
    HOSTILE,
    Answer,
    chat_message,
    deliver,
    slack_mentions,
    slack_receiver,  # noqa: F401 - the receiver fixture
)

NOW = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)
PEOPLE = (Mention("Rita Patel", user_id="U024BE7LH"), Mention("Sam Lee", user_id="W012A3CDE"))


@pytest.fixture
def hook(slack_receiver):  # noqa: F811 - the imported fixture, by name
    return slack_receiver


def mrkdwn_texts(payload: dict) -> list[str]:
    """Every string Slack formats as mrkdwn: the fallback text and mrkdwn text objects of the blocks."""
    blocks = [b["text"]["text"] for b in payload["blocks"] if b.get("text", {}).get("type") == "mrkdwn"]
    return [payload["text"], *blocks]


def sections(payload: dict) -> list[dict]:
    return [b["text"] for b in payload["blocks"] if b["type"] == "section"]


def test_a_message_is_a_header_the_facts_and_a_button_to_the_page(hook):
    message = chat_message(locale="zh-CN", title="紧急线索：环球公司", facts=(("客户", "环球公司"), ("截止", "4月6日")),
                           link_label="在 Handoff 中打开")
    deliver(slack, message, ChatEndpoint(hook.url), NOW)

    payload = hook.last.json
    assert hook.last.problems == []
    assert payload["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "紧急线索：环球公司",
                                                               "emoji": False}}
    assert sections(payload) == [{"type": "plain_text", "text": "客户: 环球公司\n截止: 4月6日", "emoji": False}]
    button = payload["blocks"][-1]["elements"][0]
    assert (button["url"], button["text"]["text"]) == ("https://handoff.acme.test/instances/7", "在 Handoff 中打开")
    assert payload["text"] == "紧急线索：环球公司"


def test_a_normal_message_mentions_nobody(hook):
    deliver(slack, chat_message(mentions=PEOPLE), ChatEndpoint(hook.url), NOW)

    assert hook.last.problems == []
    assert [m for text in mrkdwn_texts(hook.last.json) for m in slack_mentions(text)] == []


def test_a_strong_message_mentions_each_person_in_the_text_and_the_first_section(hook):
    people = (*PEOPLE, Mention("No Id"), Mention("Bad Id", user_id="<!channel>"))
    deliver(slack, chat_message(strong=True, mentions=people), ChatEndpoint(hook.url), NOW)

    payload = hook.last.json
    assert hook.last.problems == []
    first = sections(payload)[0]
    assert first["type"] == "mrkdwn"
    assert slack_mentions(first["text"]) == ["@U024BE7LH", "@W012A3CDE"]
    assert "@No Id" in first["text"] and "@Bad Id" in first["text"]
    assert slack_mentions(payload["text"]) == ["@U024BE7LH", "@W012A3CDE"]


def test_a_rate_limit_is_retried_after_slacks_retry_after(hook):
    hook.answer_next(Answer(429, "rate_limited", {"Retry-After": "30"}))
    with pytest.raises(Transient) as raised:
        deliver(slack, chat_message(), ChatEndpoint(hook.url), NOW)
    assert raised.value.retry_after_s == 30
    deliver(slack, chat_message(), ChatEndpoint(hook.url), NOW)


def test_a_server_error_is_retried(hook):
    hook.answer_next(Answer(500, "rollup_error"))
    with pytest.raises(Transient, match="rollup_error") as raised:
        deliver(slack, chat_message(), ChatEndpoint(hook.url), NOW)
    assert raised.value.retry_after_s is None


@pytest.mark.parametrize("answer", [Answer(404, "no_service"), Answer(410, "channel_is_archived"),
                                    Answer(403, "action_prohibited"), Answer(400, "invalid_payload")])
def test_slacks_refusals_fail_at_once_with_its_words(hook, answer):
    hook.answer_next(answer)
    with pytest.raises(Permanent, match=f"Slack HTTP {answer.status}: {answer.body}"):
        deliver(slack, chat_message(), ChatEndpoint(hook.url), NOW)


def test_a_long_title_is_cut_to_the_headers_limit_so_slack_takes_it(hook):
    deliver(slack, chat_message(title="x" * 200), ChatEndpoint(hook.url), NOW)

    assert hook.last.problems == []
    assert hook.last.json["blocks"][0]["text"]["text"] == "x" * 149 + "…"


def test_a_hostile_customer_name_cannot_ping_or_format(hook):
    deliver(slack, chat_message(customer=HOSTILE, strong=True, mentions=PEOPLE[:1]), ChatEndpoint(hook.url), NOW)

    payload = hook.last.json
    assert hook.last.problems == []
    assert [m for text in mrkdwn_texts(payload) for m in slack_mentions(text)] == ["@U024BE7LH", "@U024BE7LH"]
    assert "&lt;!channel&gt;" in payload["text"]
    facts = sections(payload)[-1]
    assert facts["type"] == "plain_text" and f"Customer: {HOSTILE}" in facts["text"]  # shown as typed, not bold
