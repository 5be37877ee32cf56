"""Teams workflow webhook: the Adaptive Card a channel sees, its `<at>` mentions, and the flow's answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from integrations.chat import teams
from integrations.chat.model import ChatEndpoint, Mention, Permanent, Transient

from .chat_receivers import (
    HOSTILE,
    Answer,
    chat_message,
    deliver,
    teams_receiver,  # noqa: F401 - the receiver fixture
    teams_texts,
)

NOW = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)
PEOPLE = (Mention("Rita Patel", user_id="rita.patel@acme.test"),
          Mention("Sam Lee", user_id="5d8d505c-864f-4804-88c7-4583c966cde8"))


@pytest.fixture
def flow(teams_receiver):  # noqa: F811 - the imported fixture, by name
    return teams_receiver


def card(received) -> dict:
    return received.json["attachments"][0]["content"]


def test_a_message_is_an_adaptive_card_with_facts_and_a_link(flow):
    message = chat_message(locale="zh-CN", title="紧急线索：环球公司", facts=(("客户", "环球公司"), ("截止", "4月6日")),
                           link_label="在 Handoff 中打开")
    deliver(teams, message, ChatEndpoint(flow.url), NOW)

    assert flow.last.problems == []
    content = card(flow.last)
    assert (content["version"], content["lang"]) == ("1.4", "zh-CN")
    assert content["body"][0]["text"] == "紧急线索：环球公司"
    assert content["body"][-1] == {"type": "FactSet", "facts": [{"title": "客户", "value": "环球公司"},
                                                                {"title": "截止", "value": "4月6日"}]}
    assert content["actions"] == [{"type": "Action.OpenUrl", "title": "在 Handoff 中打开",
                                   "url": "https://handoff.acme.test/instances/7"}]


def test_a_normal_message_mentions_nobody(flow):
    deliver(teams, chat_message(mentions=PEOPLE), ChatEndpoint(flow.url), NOW)

    assert flow.last.problems == []
    assert "entities" not in card(flow.last)["msteams"]
    assert not any("<at>" in text for text in teams_texts(card(flow.last)))


def test_a_strong_message_mentions_each_person_with_a_teams_id(flow):
    people = (*PEOPLE, Mention("No Id"))
    deliver(teams, chat_message(strong=True, mentions=people), ChatEndpoint(flow.url), NOW)

    assert flow.last.problems == []  # every <at> has its entity and every entity its <at>
    content = card(flow.last)
    assert content["body"][1]["text"] == "<at>Rita Patel</at> <at>Sam Lee</at> @No Id"
    assert [(e["type"], e["text"], e["mentioned"]) for e in content["msteams"]["entities"]] == [
        ("mention", "<at>Rita Patel</at>", {"id": "rita.patel@acme.test", "name": "Rita Patel"}),
        ("mention", "<at>Sam Lee</at>", {"id": "5d8d505c-864f-4804-88c7-4583c966cde8", "name": "Sam Lee"})]


@pytest.mark.parametrize("answer", [Answer(200, b""), Answer(202, b"")])
def test_the_flows_acceptance_is_success(flow, answer):
    flow.answer_next(answer)
    deliver(teams, chat_message(), ChatEndpoint(flow.url), NOW)


def test_a_throttled_flow_is_retried_after_its_retry_after(flow):
    flow.answer_next(Answer(429, {"error": {"code": "TooManyRequests", "message": "Rate limit is exceeded."}},
                            {"Retry-After": "12"}), Answer(503, "Service Unavailable"))
    with pytest.raises(Transient, match="TooManyRequests: Rate limit is exceeded") as raised:
        deliver(teams, chat_message(), ChatEndpoint(flow.url), NOW)
    assert raised.value.retry_after_s == 12
    with pytest.raises(Transient, match="HTTP 503"):
        deliver(teams, chat_message(), ChatEndpoint(flow.url), NOW)


@pytest.mark.parametrize("answer, words", [
    (Answer(404, {"error": {"code": "WorkflowNotFound", "message": "The workflow 'abc' could not be found."}}),
     "HTTP 404: WorkflowNotFound: The workflow 'abc' could not be found."),
    (Answer(401, {"error": {"code": "DirectApiAuthorizationRequired", "message": "The request must be signed."}}),
     "HTTP 401: DirectApiAuthorizationRequired"),
    (Answer(400, "Bad Request"), "HTTP 400: Bad Request"),
])
def test_the_flows_refusals_fail_at_once_with_its_words(flow, answer, words):
    flow.answer_next(answer)
    with pytest.raises(Permanent, match=re.escape(words)):
        deliver(teams, chat_message(), ChatEndpoint(flow.url), NOW)


def test_a_hostile_customer_name_cannot_mention_or_format(flow):
    deliver(teams, chat_message(customer=HOSTILE, strong=True, mentions=PEOPLE[:1]), ChatEndpoint(flow.url), NOW)

    assert flow.last.problems == []  # the receiver finds no <at> besides Rita's
    content = card(flow.last)
    assert [e["mentioned"]["id"] for e in content["msteams"]["entities"]] == ["rita.patel@acme.test"]
    title, value = content["body"][0]["text"], content["body"][-1]["facts"][0]["value"]
    for text in (title, value):
        assert "<at>" not in text
        assert re.search(r"(?<!\\)[*_~\[\]]", text) is None  # every Markdown character is escaped
    assert "\\*bold\\*" in value and "\\[click\\](https://evil.test)" in value


def test_markdown_at_the_start_of_a_fact_cannot_make_a_list_or_heading():
    assert teams.escape("- item") == "\\- item"
    assert teams.escape("1. first") == "1\\. first"
    assert teams.escape("# big\nline") == "\\# big line"
