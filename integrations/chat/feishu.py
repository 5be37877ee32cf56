"""Feishu / Lark custom bot (自定义机器人): a group's webhook `https://open.feishu.cn/open-apis/bot/v2/hook/…`.

Follows Feishu's "自定义机器人使用指南" (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot) and
"发送富文本消息" (the `post` content: a title and lines of `text`, `a` and `at` tags):

- the body is `{"msg_type": "post", "content": {"post": {"zh_cn" | "en_us": {"title", "content": [[tag…]…]}}}}`,
  in the message's language; each fact is one line "label: value", then a line with the page's link;
- with a signing secret (签名校验) the body also carries `timestamp` (Unix seconds, a string) and
  `sign` = base64(HMAC-SHA256 keyed with `timestamp + "\\n" + secret`, over an empty message);
- a strong message starts with a line of `{"tag": "at", "user_id": <open_id or user_id>}`; people without
  a Feishu id are named in plain text. `all` is never sent as an id, so nobody's profile can @ everyone.
- with `options["format"] = "card"` the body is instead an `interactive` card (Feishu's "Sending Feishu
  Cards with a Custom Bot" / message card reference): a header (red for a strong message, blue
  otherwise), `<at id=…></at>` in a `lark_md` block for the mentions (the only Markdown it carries), the
  facts as a `plain_text` block and a button to the page;
- a bot whose security setting is a keyword (自定义关键词) names it in `options["keyword"]`: a message that
  lacks it gets it before the title, `[keyword] title`, so Feishu does not drop it (19024);
- `text` tags of a post are shown as written (no markup, `un_escape` left false), so a customer called
  `<at user_id="all"></at>` or `**x**` is shown, not obeyed.

Answers (JSON, HTTP 200 or 400): `code` 0 (older bots: `StatusCode` 0) is taken; 11232 (frequency
limited) and 9499 "too many request" are retried after a minute (100 messages a minute per bot);
19021 sign mismatch, 19022 IP not allowed, 19024 keyword not found, 9499 "Bad Request" and any other
code are refused with Feishu's `msg`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime

from .answers import by_status, json_object, retry_after_s, words
from .model import ChatEndpoint, ChatMessage, HttpRequest, Mention, Permanent, Transient

KIND = "feishu"
RATE_LIMITED = {11232}  # "frequency limited": the bot's 100 a minute / 5 a second
RATE_LIMIT_WAIT_S = 60.0  # no Retry-After comes with a code: wait the quota's minute out
_LANGUAGES = {"zh-CN": "zh_cn", "en": "en_us"}
_CARD_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def signature(timestamp: str, secret: str) -> str:
    """Feishu's sign: the key is `timestamp\\nsecret`, the message empty (not DingTalk's scheme)."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    title = _title(message, endpoint.options.get("keyword"))
    if endpoint.options.get("format") == "card":
        payload: dict = {"msg_type": "interactive", "card": _card(message, title)}
    else:
        payload = {"msg_type": "post", "content": {"post": {_language(message.locale): _post(message, title)}}}
    if endpoint.secret:
        timestamp = str(int(now.timestamp()))
        payload = {"timestamp": timestamp, "sign": signature(timestamp, endpoint.secret), **payload}
    body = json.dumps(payload, ensure_ascii=False).encode()
    return HttpRequest(endpoint.url, body, {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    answer = json_object(body)
    code = _code(answer) if answer is not None else None
    if code is None:
        if status == 429:
            raise Transient(f"Feishu HTTP 429: {words(body)}", _wait(headers))
        if 200 <= status < 300:
            raise Permanent(f"Feishu HTTP {status} without a code: {words(body)}")
        by_status("Feishu", status, body, headers)
        return
    if code == 0:
        return
    said = f"Feishu {code}: {_msg(answer) or words(body)}"
    if code in RATE_LIMITED or status == 429 or (code == 9499 and "too many" in _msg(answer).lower()):
        raise Transient(said, _wait(headers))
    if status >= 500:
        raise Transient(said, retry_after_s(headers))
    raise Permanent(said)


def _title(message: ChatMessage, keyword: str | None) -> str:
    said = [message.title, message.link_label, *(part for fact in message.facts for part in fact)]
    if keyword and not any(keyword in words for words in said):
        return f"[{keyword}] {message.title}"
    return message.title


def _post(message: ChatMessage, title: str) -> dict:
    lines: list[list[dict]] = []
    if message.strong and message.mentions:
        lines.append(_mention_line(message.mentions))
    lines += [[{"tag": "text", "text": f"{label}: {value}"}] for label, value in message.facts]
    lines.append([{"tag": "a", "text": message.link_label, "href": message.link}])
    return {"title": title, "content": lines}


def _card(message: ChatMessage, title: str) -> dict:
    elements: list[dict] = []
    if message.strong and message.mentions:
        ids = [m.user_id.strip() for m in message.mentions if _card_id(m)]
        unknown = [f"@{m.name}" for m in message.mentions if not _card_id(m)]
        if ids:
            elements.append(_div("lark_md", " ".join(f"<at id={user}></at>" for user in ids)))
        if unknown:
            elements.append(_div("plain_text", " ".join(unknown)))
    if message.facts:
        elements.append(_div("plain_text", "\n".join(f"{label}: {value}" for label, value in message.facts)))
    elements.append({"tag": "action", "actions": [{"tag": "button", "type": "primary", "url": message.link,
                                                   "text": {"tag": "plain_text", "content": message.link_label}}]})
    header = {"title": {"tag": "plain_text", "content": title}, "template": "red" if message.strong else "blue"}
    return {"config": {"wide_screen_mode": True}, "header": header, "elements": elements}


def _div(tag: str, content: str) -> dict:
    return {"tag": "div", "text": {"tag": tag, "content": content}}


def _card_id(mention: Mention) -> bool:
    """An open_id / user_id fit to stand inside `<at id=…>`: letters, digits, `_` and `-`, never `all`."""
    user = (mention.user_id or "").strip()
    return bool(_CARD_ID.match(user)) and user.lower() != "all"


def _mention_line(mentions: tuple[Mention, ...]) -> list[dict]:
    tags: list[dict] = []
    for mention in mentions:
        if tags:
            tags.append({"tag": "text", "text": " "})
        if mention.user_id and mention.user_id.strip().lower() != "all":
            tags.append({"tag": "at", "user_id": mention.user_id.strip(), "user_name": mention.name})
        else:
            tags.append({"tag": "text", "text": f"@{mention.name}"})
    return tags


def _language(locale: str) -> str:
    return _LANGUAGES.get(locale, "en_us")


def _code(answer: dict) -> int | None:
    for key in ("code", "StatusCode"):
        if isinstance(answer.get(key), int):
            return answer[key]
    return None


def _msg(answer: dict) -> str:
    return str(answer.get("msg") or answer.get("StatusMessage") or "")


def _wait(headers: Mapping[str, str]) -> float:
    return retry_after_s(headers, "Retry-After", "x-ogw-ratelimit-reset") or RATE_LIMIT_WAIT_S
