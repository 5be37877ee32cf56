"""What every team-chat adapter (WeCom, DingTalk, Feishu, Slack, Teams) takes and gives back.

An adapter is a module with two pure functions, so each can be tested against its receiver's
documented shape without a network:

    KIND = "feishu"
    def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest
    def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None
        # returns when the receiver took it; raises Transient (retry, maybe after a wait the receiver
        # asked for) or Permanent (the receiver's own words; the delivery is `failed` at once)

The chat channel (see `integrations.chat.channel`) renders the outbox row into a `ChatMessage` in the
receiver's language, posts the `HttpRequest`, and maps `outcome` onto the outbox's retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """Someone a strong message @-mentions, with whatever ids this chat knows them by."""

    name: str
    mobile: str | None = None
    user_id: str | None = None  # their id in this chat (WeCom userid, DingTalk userId, Feishu open_id, Slack U…)


@dataclass(frozen=True)
class ChatMessage:
    delivery_id: int  # the outbox row: the same on every retry (idempotency keys, dedup ids)
    title: str  # the subject, one line
    facts: tuple[tuple[str, str], ...]  # (label, value) pairs, already in the message's language
    link: str  # absolute URL of the page it is about
    link_label: str  # "Open in Handoff", in the message's language
    locale: str = "en"
    strong: bool = False  # a strong reminder: @-mention `mentions`
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class ChatEndpoint:
    url: str = field(repr=False)  # a robot's URL carries its key
    secret: str | None = field(default=None, repr=False)  # signing secret (DingTalk, Feishu), when the bot has one
    options: Mapping[str, str] = field(default_factory=dict)  # adapter-specific (e.g. WeCom app: corp_id, agent_id)


@dataclass(frozen=True)
class HttpRequest:
    url: str = field(repr=False)
    body: bytes = field(repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)
    method: str = "POST"


class Transient(Exception):
    """Try again later (a network error, a 5xx, a rate limit); `retry_after_s` when the receiver says how long."""

    def __init__(self, reason: str, retry_after_s: float | None = None):
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class Permanent(Exception):
    """The receiver refused it for good (a wrong key, a bad payload): retrying cannot help."""
