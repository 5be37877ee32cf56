"""Electronic signatures over sections of an instance's data (R2).

A signature records who signed, when, and the SHA-256 of the section's canonical
JSON. Changing the section afterwards changes the hash: the signature no longer
holds, and `verify` says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def sign(session: Session, instance_id: int, sections: list[str], data: dict, signer_id: int,
         role: str | None, now: datetime) -> list[Signature]:
    rows = []
    for section in sections:
        digest = canonical_hash(data.get(section))
        row = Signature(instance_id=instance_id, section=section, signer_id=signer_id, role=role, signed_at=now,
                        content_sha256=digest)
        session.add(row)
        rows.append(row)
        audit.record(session, now, "sign", instance_id=instance_id, actor_id=signer_id, section=section,
                     role=role, sha256=digest)
    return rows


def verify(session: Session, instance_id: int, data: dict) -> list[SignatureCheck]:
    """Every signature of the instance, newest first, checked against the data as it is now."""
    query = (select(Signature, User.username).join(User, User.id == Signature.signer_id)
             .where(Signature.instance_id == instance_id).order_by(Signature.id.desc()))
    return [SignatureCheck(sig.section, username, sig.role, sig.signed_at,
                           sig.content_sha256 == canonical_hash(data.get(sig.section)))
            for sig, username in session.execute(query)]


def missing(checks: list[SignatureCheck], sections: list[str], roles: list[str]) -> list[str]:
    """Which (section, role) pairs lack a signature that still holds."""
    valid = {(c.section, c.role) for c in checks if c.valid}
    return [f"{section} by {role}" for section in sections for role in roles if (section, role) not in valid]
