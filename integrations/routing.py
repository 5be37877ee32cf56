"""Which channels reach whom: a JSON or TOML file named by ``HANDOFF_NOTIFY_CONFIG``.

    {"default": ["inapp"],
     "users":  {"rep": {"channels": ["inapp", "email"], "email": "rita@acme.example"}},
     "groups": {"finance": {"channels": ["inapp", "webhook"],
                            "webhook": {"url": "https://chat.example/hooks/finance", "secret_env": "CHAT_SECRET"}},
                "legal": {"channels": ["email"], "email": "legal@acme.example"}}}

A person is reached through the channels of their own entry and of the entries of every group they belong
to; without any entry, through ``default`` (in-app only unless changed). ``email`` goes to the entry's
``email`` (a group's shared mailbox), else to the person's own address; ``webhook`` posts to the entry's
webhook (e.g. the team's chat bot). A group mailbox or webhook receives one message per event, however
many of its members the event concerns. A person whose e-mail address is unknown is told in-app instead.

Team chats (see `integrations.chat` and `integrations.routing_chat`) are channels named after the chat:
``"wecom": {"url": ".../webhook/send?key=..."}`` on an entry posts to that group robot, once per event for a
group entry; ``wecom_app`` sends the application message to each person (their WeCom userid). An entry's
``locale`` (and a chat's own) is the language of what reaches it when no person's language applies.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from .routing_chat import CHAT_KINDS, CHAT_SCHEMAS, LOCALE, PER_PERSON, ChatConfig, chat_config

CHANNELS = ("inapp", "email", "webhook", *CHAT_KINDS)

_ENDPOINT = {"type": "object", "additionalProperties": False, "required": ["url"],
             "properties": {"url": {"type": "string", "pattern": "^https?://"},
                            "secret": {"type": "string", "minLength": 16},
                            "secret_env": {"type": "string", "minLength": 1}},
             "oneOf": [{"required": ["secret"]}, {"required": ["secret_env"]}]}
_ENTRY = {"type": "object", "additionalProperties": False, "required": ["channels"],
          "properties": {"channels": {"type": "array", "items": {"enum": list(CHANNELS)}, "uniqueItems": True},
                         "email": {"type": "string", "pattern": r"^[^@\s<>]+@[^@\s<>]+$", "maxLength": 300},
                         "webhook": _ENDPOINT, "locale": LOCALE, **CHAT_SCHEMAS}}
SCHEMA = {"type": "object", "additionalProperties": False,
          "properties": {"default": {"type": "array", "items": {"enum": ["inapp", "email"]}, "uniqueItems": True},
                         "users": {"type": "object", "additionalProperties": _ENTRY},
                         "groups": {"type": "object", "additionalProperties": _ENTRY}}}


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Entry:
    key: str  # "users/rep" or "groups/finance": how an outbox row names the webhook it goes to
    channels: tuple[str, ...]
    email: str | None = None
    webhook: Endpoint | None = None
    locale: str | None = None  # the language of its mailbox, webhook and chats (else the default)
    chats: dict[str, ChatConfig] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    email: str | None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """One delivery: a channel and where it goes (an address, a webhook entry, or the person's inbox)."""

    channel: str
    address: str | None
    user_id: int | None

    @property
    def key(self) -> tuple:
        if self.channel in PER_PERSON:  # one entry's app reaches each person: one delivery each
            return (self.channel, self.address, self.user_id)
        return (self.channel, self.address.lower() if self.address else self.user_id)


class Routing:
    def __init__(self, users: dict[str, Entry] | None = None, groups: dict[str, Entry] | None = None,
                 default: Iterable[str] = ("inapp",)):
        self.users, self.groups, self.default = users or {}, groups or {}, tuple(default)

    @classmethod
    def load(cls, path: Path | None, env=None) -> Routing:
        """Reads and checks the file; a mistake stops the service at start with the file and the key named."""
        if path is None:
            return cls()
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
        except (OSError, ValueError) as error:
            raise ValueError(f"HANDOFF_NOTIFY_CONFIG {path}: {error}") from None
        return cls.from_mapping(data, str(path), os.environ if env is None else env)

    @classmethod
    def from_mapping(cls, data: dict, source: str = "notification settings", env=None) -> Routing:
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "(top)"
            raise ValueError(f"{source}: {where}: {error.message}")
        env = os.environ if env is None else env
        entries = {kind: {name: _entry(f"{kind}/{name}", spec, source, env)
                          for name, spec in data.get(kind, {}).items()} for kind in ("users", "groups")}
        return cls(entries["users"], entries["groups"], data.get("default", ("inapp",)))

    def targets(self, person: Person, only: str | None = None) -> list[Target]:
        """Where to tell `person`; `only` (a channel the diagram insists on) narrows the configured ones."""
        entries = [e for e in (self.users.get(person.username), *(self.groups.get(g) for g in person.groups)) if e]
        if not entries:
            entries = [Entry(f"users/{person.username}", self.default)]
        targets: dict[tuple, Target] = {}
        for entry in entries:
            for channel in entry.channels:
                target = self._target(person, entry, channel)
                targets.setdefault(target.key, target)
        if only is None:
            return list(targets.values())
        chosen = [t for t in targets.values() if t.channel == only]
        if chosen or only not in CHANNELS:
            return chosen or [Target(only, None, person.id)]  # a channel of another kind, e.g. a CRM adapter
        if only == "email":
            return [self._target(person, Entry(f"users/{person.username}", ("email",)), "email")]
        return [Target("inapp", None, person.id)]

    def _target(self, person: Person, entry: Entry, channel: str) -> Target:
        if channel == "email" and entry.email and entry.key.startswith("groups/"):
            return Target("email", entry.email, None)  # the group's shared mailbox
        if channel == "email":
            address = self.email_of(person)
            return Target("email", address, person.id) if address else Target("inapp", None, person.id)
        if channel == "webhook" or (channel in CHAT_KINDS and channel not in PER_PERSON):
            return Target(channel, entry.key, None if entry.key.startswith("groups/") else person.id)
        if channel in PER_PERSON:
            return Target(channel, entry.key, person.id)
        return Target("inapp", None, person.id)

    def uses(self, channel: str) -> bool:
        entries = [*self.users.values(), *self.groups.values()]
        return channel in self.default or any(channel in e.channels for e in entries)

    def email_of(self, person: Person) -> str | None:
        own = self.users.get(person.username)
        return (own.email if own and own.email else None) or person.email or None

    def endpoint(self, key: str) -> Endpoint:
        kind, _, name = key.partition("/")
        entry = {"users": self.users, "groups": self.groups}.get(kind, {}).get(name)
        if entry is None or entry.webhook is None:
            raise LookupError(f"no webhook is configured for {key!r} (HANDOFF_NOTIFY_CONFIG)")
        return entry.webhook

    def entry(self, key: str | None) -> Entry | None:
        kind, _, name = str(key or "").partition("/")
        return {"users": self.users, "groups": self.groups}.get(kind, {}).get(name)

    def chat(self, key: str, kind: str) -> ChatConfig:
        """The `kind` chat of entry `key` ("groups/sales"), as the outbox row names it."""
        entry = self.entry(key)
        if entry is None or kind not in entry.chats:
            raise LookupError(f"no {kind} chat is configured for {key!r} (HANDOFF_NOTIFY_CONFIG)")
        return entry.chats[kind]

    def mailbox_locale(self, address: str | None) -> str | None:
        """The configured language of a group's shared mailbox, if `address` is one."""
        for entry in self.groups.values():
            if entry.email and address and entry.email.lower() == address.lower():
                return entry.locale
        return None


def _entry(key: str, spec: dict, source: str, env) -> Entry:
    where = key.replace("/", ".")
    for channel in spec["channels"]:
        if (channel == "webhook" or channel in CHAT_KINDS) and channel not in spec:
            what = "entry" if channel in PER_PERSON else "with a url"
            raise ValueError(f"{source}: {where}: the {channel} channel needs a {channel!r} {what}")
    hook = spec.get("webhook")
    endpoint = None
    if hook is not None:
        secret = hook.get("secret") or env.get(hook["secret_env"])
        if not secret:
            raise ValueError(f"{source}: {key.replace('/', '.')}.webhook: ${hook['secret_env']} is not set")
        endpoint = Endpoint(hook["url"], secret)
    chats = {kind: chat_config(kind, spec[kind], spec.get("locale"), f"{source}: {where}.{kind}", env)
             for kind in CHAT_KINDS if kind in spec}
    return Entry(key, tuple(spec["channels"]), spec.get("email"), endpoint, spec.get("locale"), chats)
