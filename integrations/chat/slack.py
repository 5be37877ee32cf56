"""Slack incoming webhook: a channel's `https://hooks.slack.com/services/T…/B…/…` (the URL is the secret).

Follows Slack's "Sending messages using incoming webhooks" (docs.slack.dev/messaging/sending-messages-using-
incoming-webhooks), Block Kit's block reference, "Formatting text for app surfaces" (escaping, mentions)
and the changelog "Improving error conditions for Incoming Webhooks" (2016-05-17) for the answers:

- the body is `{"text": <notification fallback>, "blocks": [header, section…, actions]}`: a `header`
  (plain text title), for a strong message a `mrkdwn` section with `<@U…>` for every mentioned person
  (the same mentions lead the fallback `text`, which is what the notification shows), the facts as
  "label: value" lines in a `plain_text` section, and a button opening the page;
- customer words never reach mrkdwn unescaped: `&`, `<`, `>` become `&amp;` `&lt;` `&gt;` (so
  `<!channel>` or `<@U…>` typed by a customer pings nobody) and the facts are plain text, so `*bold*`
  stays as typed. Only ids shaped like Slack member ids (`U…`/`W…`) are ever written as mentions.

Answers: 200 `ok` taken; 429 retried after its `Retry-After` seconds; 5xx (`rollup_error`) retried;
400 `invalid_payload`, 403 `action_prohibited`, 404 `no_service` / `channel_not_found`, 410
`channel_is_archived` and any other status refused with Slack's words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime

from .answers import by_status
from .model import ChatEndpoint, ChatMessage, HttpRequest, Mention

KIND = "slack"
HEADER_LIMIT, SECTION_LIMIT, BUTTON_LIMIT = 150, 3000, 75  # Block Kit's documented maximum lengths
_MEMBER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def escape(text: str) -> str:
    """Slack's three control characters, so text cannot open a link, a mention or a channel ping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    mentions = _mentions(message.mentions) if message.strong else ""
    blocks: list[dict] = [{"type": "header", "text": _plain(message.title, HEADER_LIMIT)}]
    if mentions:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": mentions[:SECTION_LIMIT]}})
    if message.facts:
        lines = "\n".join(f"{label}: {value}" for label, value in message.facts)
        blocks.append({"type": "section", "text": _plain(lines, SECTION_LIMIT)})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "action_id": "open", "url": message.link,
         "text": _plain(message.link_label, BUTTON_LIMIT)}]})
    fallback = " ".join(part for part in (mentions, escape(message.title)) if part)
    body = json.dumps({"text": fallback, "blocks": blocks}, ensure_ascii=False).encode()
    return HttpRequest(endpoint.url, body, {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    by_status("Slack", status, body, headers)


def _mentions(mentions: tuple[Mention, ...]) -> str:
    def one(mention: Mention) -> str:
        user = (mention.user_id or "").strip()
        return f"<@{user}>" if _MEMBER_ID.match(user) else f"@{escape(mention.name)}"

    return " ".join(one(mention) for mention in mentions)


def _plain(text: str, limit: int) -> dict:
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": cut or " ", "emoji": False}
