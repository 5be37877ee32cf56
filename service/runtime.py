"""Builds the process-wide `Services` from configuration (web processes, workers, CLI)."""

from __future__ import annotations

import logging
import os
import threading

import redis

from integrations.channels import default_channels
from integrations.chat.channel import chat_channels
from integrations.esign import BuiltinSigner
from integrations.finance import finance_channel
from integrations.knowledge_base import DatabaseKnowledgeBase
from integrations.mail import EmailChannel
from integrations.routing import Routing
from integrations.webhook import WebhookChannel

from .config import Config
from .engine.library import SpecLibrary
from .flows.context import Services
from .flows.deploy import bundle_loader
from .flows.documents import stored_bytes
from .queues import RqAlarmClock, RqOutboxDispatcher
from .redis_conn import connect
from .store.db import make_engine, make_session_factory
from .store.people_cache import PeopleCache

log = logging.getLogger(__name__)
_lock = threading.Lock()
_current: dict[str, object] = {}


def build(config: Config, redis_client: redis.Redis | None = None) -> Services:
    engine = make_engine(config.database_url)
    sessions = make_session_factory(engine)
    routing = Routing.load(config.notify_config)
    conn = redis_client or connect(config.redis_url, config.data_dir)
    people = PeopleCache(conn, f"{config.queue_prefix}:people-generation")
    people.watch(sessions)
    services = Services(
        sessions=sessions,
        library=SpecLibrary(bundle_loader(sessions)),
        alarm=RqAlarmClock(conn, config.timer_queue),
        outbox=RqOutboxDispatcher(conn, config.outbox_queue),
        channels=build_channels(config, routing),
        knowledge_base=DatabaseKnowledgeBase(),
        signer=BuiltinSigner(config.signing_key()),
        routing=routing,
        people=people,
        config=config,
        redis=conn,
        db_engine=engine,
    )
    return services


def build_channels(config: Config, routing: Routing) -> dict:
    """Every channel an outbox row may name: in-app, e-mail, webhook, team chats and the finance push."""
    if config.smtp is None and routing.uses("email"):
        log.warning("HANDOFF_NOTIFY_CONFIG asks for e-mail but HANDOFF_SMTP_HOST is not set: e-mails will fail")
    channels = default_channels(default_locale=config.default_locale)
    channels["email"] = EmailChannel(config.smtp, config.base_url, routing, config.default_locale)
    channels["webhook"] = WebhookChannel(routing, config.base_url, config.webhook_timeout_s, config.default_locale)
    channels.update(chat_channels(routing, config.base_url, config.default_locale, config.webhook_timeout_s))
    channels["finance"] = finance_channel(config.finance, stored_bytes(config.data_dir), config.finance_drop_dir,
                                          config.webhook_timeout_s, config.default_locale)
    return channels


def install(services: Services) -> None:
    """Makes `services` the ones jobs in this process use (tests, CLI, workers)."""
    with _lock:
        _current["services"] = services
        _current["pid"] = os.getpid()


def current() -> Services:
    with _lock:
        services = _current.get("services")
        if services is None or _current.get("pid") != os.getpid():
            services = build(Config.from_env())
            _current["services"], _current["pid"] = services, os.getpid()
        return services
