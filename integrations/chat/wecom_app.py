"""WeCom (企业微信) application message to one person: ``POST {api}/cgi-bin/message/send?access_token=T``.

The endpoint's options: ``corp_id``, ``agent_id``, ``touser`` (the person's WeCom userid) and
``access_token``, which the chat channel gets from ``GET {api}/cgi-bin/gettoken?corpid=..&corpsecret=..``
(`token_request` / `token_of`), keeps until shortly before ``expires_in`` and fetches again when the
send says 40014 (invalid) or 42001 (expired): `outcome` raises `TokenExpired` for those.

The message is a ``textcard`` (title, facts, a button to the page). It goes to the person alone, so
there is nobody to @: a strong reminder reads the same (its title says what is urgent).
Answers: 0 sent (unless WeCom lists the person as ``invaliduser``: not in the app's visible range);
45009 (rate limit) after a minute and -1 (busy) are retried; other codes fail at once with ``errmsg``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from service.i18n import tr

from .model import ChatEndpoint, ChatMessage, HttpRequest, Permanent, Transient
from .replies import check_status, errcode, fit

KIND = "wecom_app"
CHAT_ID = "wecom"  # a person's id in it: their WeCom userid
TOKEN_EXPIRED = (40014, 42001)
RATE_LIMITED = 45009
BUSY = -1
TOKEN_MARGIN_S = 300  # fetch a new token this long before WeCom's expiry


class TokenExpired(Transient):
    token_expired = True


def token_request(endpoint: ChatEndpoint) -> HttpRequest:
    corp = quote(endpoint.options["corp_id"], safe="")
    secret = quote(endpoint.secret or "", safe="")
    return HttpRequest(f"{endpoint.url}/cgi-bin/gettoken?corpid={corp}&corpsecret={secret}", b"", method="GET")


def token_of(status: int, body: bytes) -> tuple[str, float]:
    """(access_token, seconds it may be used); a wrong corp id or secret fails the delivery at once."""
    check_status("WeCom", status, body)
    code, words, answer = errcode("WeCom", body)
    if code == BUSY:
        raise Transient(f"WeCom gettoken errcode {code}: {words}")
    if code != 0 or not answer.get("access_token"):
        raise Permanent(f"WeCom gettoken errcode {code}: {words}")
    return str(answer["access_token"]), max(float(answer.get("expires_in", 7200)) - TOKEN_MARGIN_S, 60.0)


def request(message: ChatMessage, endpoint: ChatEndpoint, now: datetime) -> HttpRequest:
    touser = endpoint.options.get("touser")
    if not touser:
        raise Permanent("WeCom: the person has no WeCom userid (chat_ids.wecom)")
    description = "".join(f'<div class="normal">{html.escape(label)}: {html.escape(value)}</div>'
                          for label, value in message.facts)
    body = {"touser": touser, "msgtype": "textcard", "agentid": int(endpoint.options["agent_id"]),
            "textcard": {"title": fit(message.title, 128), "description": fit(description, 512) or message.title,
                         "url": message.link, "btntxt": fit(tr(message.locale, "Details"), 12)},
            "enable_duplicate_check": 1, "duplicate_check_interval": 1800}  # a retry after a lost answer: once
    token = quote(endpoint.options.get("access_token", ""), safe="")
    return HttpRequest(f"{endpoint.url}/cgi-bin/message/send?access_token={token}",
                       json.dumps(body, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json; charset=utf-8"})


def outcome(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    check_status("WeCom", status, body)
    code, words, answer = errcode("WeCom", body)
    if code in TOKEN_EXPIRED:
        raise TokenExpired(f"WeCom errcode {code}: {words}")
    if code == RATE_LIMITED:
        raise Transient(f"WeCom errcode {code}: {words}", retry_after_s=60)
    if code == BUSY:
        raise Transient(f"WeCom errcode {code}: {words}")
    if code != 0:
        raise Permanent(f"WeCom errcode {code}: {words}")
    if answer.get("invaliduser"):
        raise Permanent(f"WeCom: {answer['invaliduser']} is not a user the app may reach (invaliduser)")
