"""Electronic signatures over sections of an instance's data (R2).

A signature records who signed, when, and the SHA-256 of the section's canonical
JSON, sealed by an e-signature provider (`integrations.esign`). Changing the section
afterwards changes the hash, and editing the record breaks the provider's seal: either
way the signature no longer holds, and `verify` says which.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.esign import Signer
from service.store.models import Signature, User

from . import audit


def canonical_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignatureCheck:
    section: str
    signer: str
    role: str | None
    signed_at: datetime
    valid: bool
    provider: str = "builtin"
    problem: str | None = None  # why it does not hold, in words


def _scope(instance_id: int, section: str) -> str:
    return f"instance:{instance_id}:{section}"


def sign(session: Session, provider: Signer, instance_id: int, sections: list[str], data: dict, signer_id: int,
         role: str | None, now: datetime) -> list[Signature]:
    rows = []
    for section in sections:
        digest = canonical_hash(data.get(section))
        proof = provider.seal(digest, signer_id, now, _scope(instance_id, section))
        row = Signature(instance_id=instance_id, section=section, signer_id=signer_id, role=role, signed_at=now,
                        content_sha256=digest, provider=provider.name, proof=proof)
        session.add(row)
        rows.append(row)
        audit.record(session, now, "sign", instance_id=instance_id, actor_id=signer_id, section=section,
                     role=role, sha256=digest)
    return rows


def verify(session: Session, provider: Signer, instance_id: int, data: dict) -> list[SignatureCheck]:
    """Every signature of the instance, newest first, checked against the data as it is now."""
    query = (select(Signature, User.username).join(User, User.id == Signature.signer_id)
             .where(Signature.instance_id == instance_id).order_by(Signature.id.desc()))
    return [_check(provider, sig, username, data) for sig, username in session.execute(query)]


def _check(provider: Signer, sig: Signature, username: str, data: dict) -> SignatureCheck:
    """Content first: it is what people signed. A record without a proof predates provider seals (0004):
    its hash alone is checked, and its provider reads ``builtin (unsealed)``."""
    problem = None
    if sig.proof is None:
        valid = sig.content_sha256 == canonical_hash(data.get(sig.section))
        return SignatureCheck(sig.section, username, sig.role, sig.signed_at, valid, f"{sig.provider} (unsealed)",
                              None if valid else f"{sig.section} changed after it was signed")
    if sig.provider != provider.name:
        problem = f"signed with {sig.provider}, which this service cannot check"
    elif not provider.check(sig.content_sha256, sig.signer_id, sig.signed_at, _scope(sig.instance_id, sig.section),
                            sig.proof):
        problem = "the signature record was altered after signing"
    elif sig.content_sha256 != canonical_hash(data.get(sig.section)):
        problem = f"{sig.section} changed after it was signed"
    return SignatureCheck(sig.section, username, sig.role, sig.signed_at, problem is None, sig.provider, problem)


def missing(checks: list[SignatureCheck], sections: list[str], roles: list[str]) -> list[str]:
    """Which (section, role) pairs lack a signature that still holds."""
    valid = {(c.section, c.role) for c in checks if c.valid}
    return [f"{section} by {role}" for section in sections for role in roles if (section, role) not in valid]
