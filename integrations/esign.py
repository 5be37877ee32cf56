"""Electronic signature providers (R2): who signed what, when, with a proof the provider can check later.

A provider seals a signature record (the content's SHA-256, the signer, the moment) and
later says whether a stored proof still matches that record. The built-in signer is the
first provider: an HMAC-SHA256 with the service's secret key, so a signature row edited in
the database (a forged signer, a re-hashed changed section) no longer verifies. An external
provider (DocuSign, Adobe Sign) would implement the same two methods around its envelopes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Protocol


class Signer(Protocol):
    name: str

    def seal(self, content_sha256: str, signer_id: int, signed_at: datetime, scope: str) -> str:
        """A proof for this record; `scope` names what was signed (instance and section)."""

    def check(self, content_sha256: str, signer_id: int, signed_at: datetime, scope: str, proof: str) -> bool:
        """Whether `proof` is this provider's seal of exactly this record."""


class BuiltinSigner:
    name = "builtin"

    def __init__(self, key: str | bytes):
        self._key = key.encode() if isinstance(key, str) else key

    def _mac(self, content_sha256: str, signer_id: int, signed_at: datetime, scope: str) -> str:
        moment = signed_at.astimezone(UTC).isoformat(timespec="microseconds")  # as stored, on any database
        record = "|".join([scope, content_sha256, str(signer_id), moment])
        return hmac.new(self._key, record.encode(), hashlib.sha256).hexdigest()

    def seal(self, content_sha256: str, signer_id: int, signed_at: datetime, scope: str) -> str:
        return self._mac(content_sha256, signer_id, signed_at, scope)

    def check(self, content_sha256: str, signer_id: int, signed_at: datetime, scope: str, proof: str) -> bool:
        return hmac.compare_digest(self._mac(content_sha256, signer_id, signed_at, scope), proof or "")
