"""The team-chat entries of the notification settings: their JSON schema, and what the chat channel gets.

    "groups": {"technical-sales": {"channels": ["inapp", "wecom"], "locale": "zh-CN",
                                   "wecom": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."}},
               "sales-managers": {"channels": ["dingtalk"],
                                  "dingtalk": {"url": "https://oapi.dingtalk.com/robot/send?access_token=...",
                                               "secret_env": "DINGTALK_SECRET"}}},
    "users": {"rep": {"channels": ["wecom_app"],
                      "wecom_app": {"corp_id": "ww...", "agent_id": 1000002, "secret_env": "WECOM_APP_SECRET"}}}

Robots (``wecom``, ``dingtalk``, ``feishu``, ``slack``, ``teams``) post into one chat: a group entry's
gets one message per event. ``wecom_app`` is an application message to a person's WeCom userid, so
it is one delivery per person even on a group entry (the entry gives the app's credentials).
Secrets as for webhooks: ``secret`` in the file or ``secret_env`` naming an environment variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHAT_KINDS = ("wecom", "wecom_app", "dingtalk", "feishu", "slack", "teams")
PER_PERSON = ("wecom_app",)
LOCALE = {"enum": ["en", "zh-CN"]}
WECOM_API = "https://qyapi.weixin.qq.com"

_SECRET = {"secret": {"type": "string", "minLength": 8}, "secret_env": {"type": "string", "minLength": 1}}
_ONE_SECRET_AT_MOST = {"not": {"required": ["secret", "secret_env"]}}


def _robot(url_pattern: str) -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["url"], **_ONE_SECRET_AT_MOST,
            "properties": {"url": {"type": "string", "pattern": url_pattern}, "locale": LOCALE, **_SECRET}}


CHAT_SCHEMAS = {
    "wecom": {"type": "object", "additionalProperties": False, "required": ["url"],
              "properties": {"url": {"type": "string", "pattern": r"^https?://[^\s]+[?&]key=[^&\s]+"},
                             "locale": LOCALE}},
    "wecom_app": {"type": "object", "additionalProperties": False, "required": ["corp_id", "agent_id"],
                  "oneOf": [{"required": ["secret"]}, {"required": ["secret_env"]}],
                  "properties": {"corp_id": {"type": "string", "minLength": 1},
                                 "agent_id": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 0},
                                 "url": {"type": "string", "pattern": "^https?://[^?#\\s]+$"},
                                 "locale": LOCALE, **_SECRET}},
    "dingtalk": _robot(r"^https?://[^\s]+[?&]access_token=[^&\s]+"),
    "feishu": _robot("^https?://"),
    "slack": _robot("^https?://"),
    "teams": _robot("^https?://"),
}


@dataclass(frozen=True)
class ChatConfig:
    kind: str
    url: str = field(repr=False)  # robots' URLs carry their key
    secret: str | None = field(default=None, repr=False)
    options: dict[str, str] = field(default_factory=dict, compare=False)
    locale: str | None = None  # the chat's own, else its entry's


def chat_config(kind: str, spec: dict, entry_locale: str | None, where: str, env) -> ChatConfig:
    """One checked chat entry; a secret_env that is not set stops the service at start, naming the key."""
    secret = spec.get("secret")
    if spec.get("secret_env"):
        secret = env.get(spec["secret_env"])
        if not secret:
            raise ValueError(f"{where}: ${spec['secret_env']} is not set")
    options: dict[str, str] = {}
    url = spec.get("url", "")
    if kind == "wecom_app":
        options = {"corp_id": spec["corp_id"], "agent_id": str(spec["agent_id"])}
        url = (url or WECOM_API).rstrip("/")
    return ChatConfig(kind, url, secret, options, spec.get("locale") or entry_locale)
