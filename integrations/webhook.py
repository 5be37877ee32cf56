"""Signed JSON POSTs (``httpx``): the webhook notification channel, and the transport finance uses too.

Every request carries
- ``X-Handoff-Delivery`` and ``Idempotency-Key``: the outbox row's id, the same on every retry,
  so a receiver can drop a repeat;
- ``X-Handoff-Timestamp``: Unix seconds at sending;
- ``X-Handoff-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the shared secret, of
  ``TIMESTAMP.BODY`` (the timestamp, a dot, the raw body bytes). Receivers check it with `verify`
  and refuse old timestamps, so a captured request cannot be replayed later.
Any answer but 2xx, or no answer within the timeout, raises: the outbox retries with its backoff.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from service.clock import utcnow
from service.store.models import Outbox, User

from .mail import recipient_locale
from .notice import notice_of
from .routing import Routing


class WebhookFailed(Exception):
    """The receiver did not take the delivery; the message names the host, never the URL's secret path."""


@dataclass(frozen=True)
class SignedPost:
    url: str
    secret: str = field(repr=False)
    body: bytes = field(repr=False)
    delivery_id: int


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(now - int(timestamp)) <= tolerance_s
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), signed)


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's trust store, loaded once: httpx loading certificates per request costs ~50 ms."""
    return ssl.create_default_context()


def post_signed(post: SignedPost, timeout_s: float) -> None:
    import httpx  # loads in ~0.1 s: only in the worker that posts, not in every web process and command

    timestamp = str(int(utcnow().timestamp()))
    headers = {"Content-Type": "application/json", "User-Agent": "Handoff",
               "X-Handoff-Delivery": str(post.delivery_id), "Idempotency-Key": str(post.delivery_id),
               "X-Handoff-Timestamp": timestamp, "X-Handoff-Signature": signature(post.secret, timestamp, post.body)}
    host = urlsplit(post.url).netloc
    try:
        response = httpx.post(post.url, content=post.body, headers=headers, timeout=timeout_s, verify=_tls())
    except httpx.HTTPError as error:
        raise WebhookFailed(f"{type(error).__name__} posting to {host}: {error}") from None
    if not response.is_success:
        raise WebhookFailed(f"HTTP {response.status_code} from {host}: {response.text[:200]}")


class WebhookChannel:
    """Notifications to the webhook of a user or group entry of the notification settings (e.g. a team chat)."""

    def __init__(self, routing: Routing, base_url: str, timeout_s: float = 10.0, default_locale: str = "en"):
        self.routing, self.base_url, self.timeout_s = routing, base_url, timeout_s
        self.default_locale = default_locale

    def prepare(self, session: Session, row: Outbox) -> SignedPost:
        key = str(row.payload.get("webhook"))
        endpoint = self.routing.endpoint(key)
        person = session.get(User, row.recipient_id) if row.recipient_id else None
        entry = self.routing.entry(key)
        locale = recipient_locale(person, entry.locale if entry else None, self.default_locale)
        notice = notice_of(row, self.base_url, person.username if person else None, locale=locale)
        body = json.dumps(notice.as_json(), ensure_ascii=False, default=str).encode()
        return SignedPost(endpoint.url, endpoint.secret, body, row.id)

    def transmit(self, post: SignedPost) -> None:
        post_signed(post, self.timeout_s)
