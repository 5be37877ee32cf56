"""DingTalk (钉钉) custom robot: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN``.

With a signing secret ("加签"), the URL also carries ``timestamp`` (milliseconds) and ``sign``:
Base64 of HMAC-SHA256 keyed with the secret over ``timestamp + "\\n" + secret``, URL-encoded;
DingTalk refuses a timestamp more than an hour off.

A normal message is an ``actionCard`` (facts and an "open" button); a strong one is ``markdown`` with
``at.atMobiles`` / ``at.atUserIds``, because DingTalk @s only in ``text`` and ``markdown`` and only
people whose ``@mobile`` / ``@userId`` also appears in the text, so the text ends with them.

Answers: ``errcode`` 0 sent; 130101 / 410100 (over 20 a minute per robot) are retried after the minute,
-1 (busy) soon; 310000 (signature, keyword or IP not allowed) and any other code fail at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote_plus

from .model import ChatEndpoint, ChatMessage, HttpRequest, Permanent, Transient
from .replies import check_status, errcode, fit

KIND = "dingtalk"
TEXT_LIMIT = 5000
TOO_FAST = (130101, 410100)
BUSY = -1


def sign(secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    url = endpoint.url
    if endpoint.secret:
        timestamp = str(int(now.timestamp() * 1000))
        url += f"&timestamp={timestamp}&sign={quote_plus(sign(endpoint.secret, timestamp))}"
    title = " ".join(message.title.split())[:100]
    text = _text(message)
    if message.strong and message.mentions:
        ats = [f"@{m.mobile}" for m in message.mentions if m.mobile]
        ats += [f"@{m.user_id}" for m in message.mentions if m.user_id and not m.mobile]
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": fit(text, TEXT_LIMIT - 400) + "\n\n"
                                                     + " ".join(ats) + f"\n\n[{message.link_label}]({message.link})"},
                "at": {"atMobiles": [m.mobile for m in message.mentions if m.mobile],
                       "atUserIds": [m.user_id for m in message.mentions if m.user_id], "isAtAll": False}}
    else:
        body = {"msgtype": "actionCard", "actionCard": {"title": title, "text": fit(text, TEXT_LIMIT),
                                                        "singleTitle": message.link_label,
                                                        "singleURL": message.link}}
    return HttpRequest(url, json.dumps(body, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    check_status("DingTalk", status, body)
    code, words, _ = errcode("DingTalk", body)
    if code == 0:
        return
    if code in TOO_FAST:
        raise Transient(f"DingTalk errcode {code}: {words}", retry_after_s=60)
    if code == BUSY:
        raise Transient(f"DingTalk errcode {code}: {words}")
    raise Permanent(f"DingTalk errcode {code}: {words}")


def _text(message: ChatMessage) -> str:
    lines = [f"#### {_md(message.title)}"] + [f"> {_md(label)}: {_md(value)}" for label, value in message.facts]
    return "\n\n".join(lines)


def _md(text: str) -> str:
    return (" ".join(str(text).split()).replace("[", "［").replace("]", "］").replace("@", "＠")
            .replace("*", "＊").replace("#", "＃").replace("`", "｀").replace("<", "＜"))
