"""WeCom (企业微信) group robot: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``.

A normal message is ``markdown`` (bold title, quoted facts, a link). A strong one is ``text`` with
``mentioned_list`` (WeCom userids) and ``mentioned_mobile_list`` (mobiles): WeCom documents those two
@-lists only for the ``text`` type, and only they can @ someone by mobile (``<@userid>`` in markdown
needs the userid, which people often have not entered), so a strong reminder trades formatting for
the @ that makes the phone ring. A normal message mentions nobody.

Answers: ``errcode`` 0 sent; 45009 (over the robot's 20 a minute) and -1 (system busy) are retried,
45009 after a minute; 93000 (invalid key) and any other code fail at once with WeCom's ``errmsg``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from .model import ChatEndpoint, ChatMessage, HttpRequest, Permanent, Transient
from .replies import check_status, errcode, fit

KIND = "wecom"
MARKDOWN_LIMIT = 4096  # bytes of content
TEXT_LIMIT = 2048
RATE_LIMITED = 45009
BUSY = -1


NOBODY = ("@all", "all")  # ids WeCom reads as everyone

def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    if message.strong and message.mentions:
        body = {"msgtype": "text", "text": {
            "content": fit(plain_text(message), TEXT_LIMIT),
            # "@all" would ping the whole group: only a person's own id is mentioned.
            "mentioned_list": [m.user_id for m in message.mentions if m.user_id and m.user_id.lower() not in NOBODY],
            "mentioned_mobile_list": [m.mobile for m in message.mentions if m.mobile]}}
    else:
        body = {"msgtype": "markdown", "markdown": {"content": fit(markdown(message), MARKDOWN_LIMIT)}}
    return HttpRequest(endpoint.url, json.dumps(body, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    check_status("WeCom", status, body)
    code, words, _ = errcode("WeCom", body)
    if code == 0:
        return
    if code == RATE_LIMITED:
        raise Transient(f"WeCom errcode {code}: {words}", retry_after_s=60)
    if code == BUSY:
        raise Transient(f"WeCom errcode {code}: {words}")
    raise Permanent(f"WeCom errcode {code}: {words}")


def markdown(message: ChatMessage) -> str:
    lines = [f"**{_md(message.title)}**"]
    lines += [f"> {_md(label)}: {_md(value)}" for label, value in message.facts]
    lines.append(f"[{_md(message.link_label)}]({message.link})")
    return "\n".join(lines)


def plain_text(message: ChatMessage) -> str:
    lines = [message.title] + [f"{label}: {value}" for label, value in message.facts]
    return "\n".join([*lines, f"{message.link_label}: {message.link}"])


def _md(text: str) -> str:
    """One line, without the characters WeCom's markdown would take as formatting."""
    # "<" would open WeCom's <@userid> mention or <font> tag; "`" code: a customer's name is text, nothing else.
    return (" ".join(str(text).split()).replace("[", "［").replace("]", "］").replace("*", "＊")
            .replace("<", "＜").replace("`", "｀"))
