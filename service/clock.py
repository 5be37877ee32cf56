"""The one clock. Tests move it with freezegun; everything stored is aware UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
