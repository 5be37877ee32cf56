"""The team-chat notification channel: one per chat kind (WeCom robot, WeCom app, DingTalk, Feishu, ...).

`prepare` renders the outbox row into a `ChatMessage` in the receiver's language: the person's own
for a message to one person, else the chat's configured ``locale`` (or its entry's), else the
service's default. A strong reminder (``payload["strength"] == "strong"``) @-mentions the people the
row names in ``payload["mentions"]``, by their mobile and their id in this chat.

`transmit` posts the adapter's `HttpRequest` (httpx, the system trust store) and lets the adapter
read the answer: `Permanent` fails the delivery at once with the receiver's words, `Transient`
retries it (not before the wait the receiver asked for); see `service.flows.outbox`. Adapters that
need an access token (WeCom app) define ``token_request`` / ``token_of``: the token is kept per app
until it runs out, and fetched again once when the receiver says it is no longer valid.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from integrations.notice import notice_of
from integrations.routing import Routing
from service.clock import utcnow
from service.i18n import normalize, tr
from service.store.models import Outbox, User
from service.store.people_cache import Person

from .model import ChatEndpoint, ChatMessage, HttpRequest, Mention, Transient


@dataclass(frozen=True)
class Prepared:
    message: ChatMessage
    endpoint: ChatEndpoint


class ChatChannel:
    def __init__(self, adapter: ModuleType, routing: Routing, base_url: str, default_locale: str = "en",
                 timeout_s: float = 10.0):
        self.adapter, self.kind = adapter, adapter.KIND
        self.chat_id_kind = getattr(adapter, "CHAT_ID", adapter.KIND)  # wecom_app knows people by WeCom userid
        self.routing, self.base_url, self.timeout_s = routing, base_url, timeout_s
        self.default_locale = normalize(default_locale) or "en"
        self._tokens: dict[tuple, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    # --- prepare: read the row and the people, render -------------------------------------------

    def prepare(self, session: Session, row: Outbox) -> Prepared:
        payload = row.payload or {}
        config = self.routing.chat(str(payload.get("chat")), self.kind)
        user = session.get(User, row.recipient_id) if row.recipient_id else None
        person = Person.of(user) if user is not None else None
        locale = (normalize(person.locale) if person else None) or config.locale or self.default_locale
        notice = notice_of(row, self.base_url, person.username if person else None, locale=locale)
        strong = payload.get("strength") == "strong"
        mentions = self._mentions(session, payload.get("mentions") or []) if strong else ()
        message = ChatMessage(delivery_id=row.id, title=notice.subject, facts=tuple(notice.facts), link=notice.link,
                              link_label=tr(locale, "Open it in Handoff"), locale=locale, strong=strong,
                              mentions=mentions)
        options = dict(config.options)
        if person is not None and person.chat_id(self.chat_id_kind):
            options["touser"] = person.chat_id(self.chat_id_kind)
        return Prepared(message, ChatEndpoint(config.url, config.secret, options))

    def _mentions(self, session: Session, user_ids: list) -> tuple[Mention, ...]:
        people = [session.get(User, uid) for uid in user_ids if isinstance(uid, int)]
        return tuple(Mention(u.display_name, u.mobile or None, Person.of(u).chat_id(self.chat_id_kind))
                     for u in people if u is not None and u.active)

    # --- transmit: post, read the answer ---------------------------------------------------------

    def transmit(self, prepared: Prepared) -> None:
        try:
            self._send(prepared.message, self._authorized(prepared.endpoint))
        except Transient as error:
            if not getattr(error, "token_expired", False):
                raise
            self._forget(prepared.endpoint)  # revoked or expired early: one fresh token, one more try
            self._send(prepared.message, self._authorized(prepared.endpoint))

    def _send(self, message: ChatMessage, endpoint: ChatEndpoint) -> None:
        request = self.adapter.request(message, endpoint, utcnow())
        status, body, headers = self._http(request, message.delivery_id)
        self.adapter.outcome(status, body, headers)

    def _http(self, request: HttpRequest, delivery_id: int | None = None) -> tuple[int, bytes, Mapping[str, str]]:
        import httpx  # loads in ~0.1 s: only in the worker that posts

        from integrations.webhook import _tls

        headers = {"User-Agent": "Handoff", **request.headers}
        if delivery_id is not None:
            headers["X-Handoff-Delivery"] = str(delivery_id)
        host = urlsplit(request.url).netloc  # never the URL: robots' keys are in it
        try:
            response = httpx.request(request.method, request.url, content=request.body or None, headers=headers,
                                     timeout=self.timeout_s, verify=_tls())
        except httpx.HTTPError as error:
            raise Transient(f"{type(error).__name__} talking to {host}: {error}") from None
        return response.status_code, response.content, response.headers

    # --- access tokens (WeCom app) ---------------------------------------------------------------

    def _authorized(self, endpoint: ChatEndpoint) -> ChatEndpoint:
        token_request = getattr(self.adapter, "token_request", None)
        if token_request is None:
            return endpoint
        with self._lock:
            kept = self._tokens.get(_token_key(endpoint))
        now = utcnow()
        if kept is None or kept[1] <= now:
            status, body, _ = self._http(token_request(endpoint))
            token, valid_s = self.adapter.token_of(status, body)
            kept = (token, now + timedelta(seconds=valid_s))
            with self._lock:
                self._tokens[_token_key(endpoint)] = kept
        return ChatEndpoint(endpoint.url, endpoint.secret, {**endpoint.options, "access_token": kept[0]})

    def _forget(self, endpoint: ChatEndpoint) -> None:
        with self._lock:
            self._tokens.pop(_token_key(endpoint), None)


def _token_key(endpoint: ChatEndpoint) -> tuple:
    """One token per app (API, corp id, agent, secret), whoever the message is for."""
    return endpoint.url, endpoint.options.get("corp_id"), endpoint.options.get("agent_id"), endpoint.secret


def chat_channels(routing: Routing, base_url: str, default_locale: str = "en", timeout_s: float = 10.0) -> dict:
    """A channel for every chat kind whose adapter is installed; a configured kind without one is an error."""
    import importlib

    from integrations.routing_chat import CHAT_KINDS

    channels = {}
    for kind in CHAT_KINDS:
        try:
            adapter = importlib.import_module(f"integrations.chat.{kind}")
        except ModuleNotFoundError as error:
            if error.name != f"integrations.chat.{kind}":
                raise
            if routing.uses(kind):
                raise ValueError(f"HANDOFF_NOTIFY_CONFIG asks for {kind}, which this Handoff cannot send") from None
            continue
        channels[kind] = ChatChannel(adapter, routing, base_url, default_locale, timeout_s)
    return channels
