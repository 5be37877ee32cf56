"""Microsoft Teams workflow webhook: a Power Automate flow "When a Teams webhook request is received" that
posts the card to a channel (the URL, with its `sig` parameter, is the secret).

Follows Microsoft's "Create incoming webhooks with Workflows for Microsoft Teams" (the body a flow takes:
`{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": <card>}]}`), the Adaptive Cards 1.4 schema (TextBlock, FactSet, Action.OpenUrl) and Teams'
"Format cards in Teams" (Markdown in TextBlock and Fact titles/values; mentions in Adaptive Cards):

- the card has the title, for a strong message a TextBlock of `<at>Name</at>` with one
  `msteams.entities` item `{"type": "mention", "text": "<at>Name</at>", "mentioned": {"id": <UPN or
  AAD object id>, "name": Name}}` per person with a Teams id, the facts as a FactSet ("label" / "value")
  and an Action.OpenUrl to the page; `lang` is the message's language;
- customer words are Markdown-escaped with backslashes (`*bold*` stays as typed) and every `<` gets an
  invisible word joiner after it, so a customer's `<at>…</at>` is never the text an entity points at.

Answers: 200/202 taken; 429 retried after its `Retry-After`; 408 and 5xx retried; any other 4xx (a
flow deleted or off: 404; a bad signature: 401/403; a payload the flow's schema refuses: 400) refused
with the flow's own `error.code` / `error.message`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime

from .answers import by_status, json_object
from .model import ChatEndpoint, ChatMessage, HttpRequest, Mention

KIND = "teams"
CARD_VERSION = "1.4"
_INLINE = re.compile(r"([\\*_~`\[\]])")
_LEADING = re.compile(r"^(\s*)(?:([-+#>])|(\d+)\.)")
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Plain words for a TextBlock or Fact: no emphasis, links, lists or headings, and no `<at>`."""
    one_line = " ".join(text.splitlines())
    escaped = _LEADING.sub(_escape_marker, _INLINE.sub(r"\\\1", one_line))
    return escaped.replace("<", "<" + _WORD_JOINER)


def _escape_marker(match: re.Match) -> str:
    """A list or heading marker made literal: `\\-`, `\\#`, `1\\.` (a backslash before a digit is no escape)."""
    indent, sign, number = match.groups()
    return f"{indent}\\{sign}" if sign else f"{indent}{number}\\."


def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    body: list[dict] = [{"type": "TextBlock", "text": escape(message.title), "weight": "Bolder",
                         "size": "Medium", "wrap": True}]
    entities = _entities(message.mentions) if message.strong else []
    if message.strong and message.mentions:
        body.append({"type": "TextBlock", "wrap": True, "text": _mention_line(message.mentions)})
    if message.facts:
        body.append({"type": "FactSet", "facts": [{"title": escape(label), "value": escape(value)}
                                                  for label, value in message.facts]})
    card: dict = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                  "version": CARD_VERSION, "lang": message.locale, "body": body,
                  "actions": [{"type": "Action.OpenUrl", "title": message.link_label, "url": message.link}],
                  "msteams": {"width": "Full", **({"entities": entities} if entities else {})}}
    payload = {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}
    data = json.dumps(payload, ensure_ascii=False).encode()
    return HttpRequest(endpoint.url, data, {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    error = (json_object(body) or {}).get("error")
    reason = None
    if isinstance(error, dict) and (error.get("code") or error.get("message")):
        reason = ": ".join(str(part) for part in (error.get("code"), error.get("message")) if part)
    by_status("Teams", status, body, headers, reason)


def _name(mention: Mention) -> str:
    """A person's name as the `<at>` text: without angle brackets, so it cannot close the tag."""
    return " ".join(mention.name.replace("<", "").replace(">", "").split()) or "?"


def _has_id(mention: Mention) -> bool:
    return bool((mention.user_id or "").strip())


def _mention_line(mentions: tuple[Mention, ...]) -> str:
    return " ".join(f"<at>{_name(m)}</at>" if _has_id(m) else "@" + escape(m.name) for m in mentions)


def _entities(mentions: tuple[Mention, ...]) -> list[dict]:
    return [{"type": "mention", "text": f"<at>{_name(m)}</at>",
             "mentioned": {"id": m.user_id.strip(), "name": _name(m)}} for m in mentions if _has_id(m)]
