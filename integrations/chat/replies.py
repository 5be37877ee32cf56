"""Reading a chat receiver's answer: the HTTP status first, then the JSON ``errcode`` WeCom and DingTalk send.

Both answer HTTP 200 with ``{"errcode": N, "errmsg": "..."}``; `errcode` hands the adapter N and the
words, and the adapter decides which codes are worth a retry.
"""

from __future__ import annotations

import json

from .model import Permanent, Transient


def check_status(who: str, status: int, body: bytes) -> None:
    """5xx and 429 are the receiver's trouble (retry); any other non-2xx is ours (a wrong URL, a bad payload)."""
    if 200 <= status < 300:
        return
    words = body[:200].decode("utf-8", "replace").strip()
    if status >= 500 or status in (408, 429):
        raise Transient(f"{who}: HTTP {status} {words}".strip())
    raise Permanent(f"{who}: HTTP {status} {words}".strip())


def errcode(who: str, body: bytes) -> tuple[int, str, dict]:
    """(errcode, errmsg, the whole answer); a body that is not their JSON is a permanent mistake (a wrong URL)."""
    try:
        answer = json.loads(body)
        return int(answer.get("errcode", 0)), str(answer.get("errmsg", "")), answer
    except (ValueError, TypeError, AttributeError):
        raise Permanent(f"{who}: not a {who} answer: {body[:200].decode('utf-8', 'replace')}") from None


def fit(text: str, limit_bytes: int) -> str:
    """`text` cut to at most `limit_bytes` of UTF-8 (receivers count bytes, and Chinese takes three each)."""
    data = text.encode()
    if len(data) <= limit_bytes:
        return text
    return data[:limit_bytes - 3].decode("utf-8", "ignore") + "…"
