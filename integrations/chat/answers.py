"""Reading a chat receiver's HTTP answer: headers by any case, `Retry-After`, the receiver's own words.

Shared by the adapters whose receivers speak plain HTTP statuses (Slack, Teams) and by those that
answer with a JSON code (Feishu), so every adapter reads a wait and an error text the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from .model import Permanent, Transient

REASON_LIMIT = 300  # characters of the receiver's words kept in a failed delivery's reason


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever case the HTTP client gave its name."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def retry_after_s(headers: Mapping[str, str], *names: str) -> float | None:
    """Seconds to wait from `Retry-After` (or the given headers): delta-seconds or an HTTP date.

    An HTTP date is measured against the answer's own `Date` header, so the result stays a pure
    function of the answer; without one a date cannot be turned into a wait and gives None.
    """
    for name in names or ("Retry-After",):
        value = header(headers, name)
        if value is None or not value.strip():
            continue
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when, sent = parsedate_to_datetime(value), header(headers, "Date")
            return max(0.0, (when - parsedate_to_datetime(sent)).total_seconds()) if sent else None
        except (TypeError, ValueError):
            return None
    return None


def words(body: bytes) -> str:
    """The receiver's answer as text, one line, cut to `REASON_LIMIT` characters."""
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text[:REASON_LIMIT] or "(no body)"


def json_object(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def by_status(receiver: str, status: int, body: bytes, headers: Mapping[str, str], reason: str | None = None) -> None:
    """What a plain-HTTP receiver means: 2xx taken; 408, 429, 5xx try later; any other status refused."""
    if 200 <= status < 300:
        return
    said = f"{receiver} HTTP {status}: {reason or words(body)}"
    if status in (408, 429) or status >= 500:
        raise Transient(said, retry_after_s(headers))
    raise Permanent(said)
