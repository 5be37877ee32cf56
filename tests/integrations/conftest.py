"""Every test here runs the service wired to real receivers: an SMTP server, a team chat webhook, a
webhook that always fails, and the finance system's webhook; plus the real process library."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from service.config import FinanceSettings, SmtpSettings
from tests.process.conftest import library  # noqa: F401 - the process library, people and a customer

from .receivers import HttpReceiver, SmtpReceiver

BASE_URL = "https://handoff.acme.test"
CHAT_SECRET = "chat-secret-0123456789abcdef"
BROKEN_SECRET = "broken-secret-0123456789abcdef"
FINANCE_SECRET = "finance-secret-0123456789abcdef"
REP_ADDRESS = "rita.patel@acme.test"


def accept_project(lib) -> int:
    """Takes a project to acceptance: finance is told (in-app and the team chat) and the push goes out."""
    project = lib.to_acceptance()
    lib.accept(project, "2026-04-06")
    return project


@pytest.fixture
def smtp():
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


def _http(secret: str, default: int = 200):
    receiver = HttpReceiver(secret, default).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def chat():
    """The finance team's chat bot."""
    yield from _http(CHAT_SECRET)


@pytest.fixture
def broken():
    """The sales managers' chat bot, which answers 500 to everything."""
    yield from _http(BROKEN_SECRET, default=500)


@pytest.fixture
def finance_hook():
    """The finance system's import endpoint."""
    yield from _http(FINANCE_SECRET)


@pytest.fixture
def notify_settings(chat, broken) -> dict:
    return {
        "users": {"rep": {"channels": ["inapp", "email"], "email": REP_ADDRESS}},
        "groups": {"finance": {"channels": ["inapp", "webhook"],
                               "webhook": {"url": chat.url, "secret": CHAT_SECRET}},
                   "sales-managers": {"channels": ["inapp", "webhook"],
                                      "webhook": {"url": broken.url, "secret_env": "TEST_BROKEN_SECRET"}}},
    }


@pytest.fixture
def config(config, tmp_path, monkeypatch, smtp, finance_hook, notify_settings):
    monkeypatch.setenv("TEST_BROKEN_SECRET", BROKEN_SECRET)
    path = tmp_path / "notify.json"
    path.write_text(json.dumps(notify_settings))
    return replace(config, base_url=BASE_URL, notify_config=path, webhook_timeout_s=5,
                   smtp=SmtpSettings("127.0.0.1", smtp.port, tls="none", sender="Handoff <handoff@acme.test>",
                                     timeout_s=5),
                   finance=FinanceSettings(("file", "webhook"), webhook_url=finance_hook.url,
                                           webhook_secret=FINANCE_SECRET))
