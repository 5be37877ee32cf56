"""Where the current product knowledge-base version comes from (R4).

The first implementation is the `kb_product` table that product owners maintain
in Handoff; a real knowledge base plugs in by providing `current_version`.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from service.store.models import KbProduct


class KnowledgeBase(Protocol):
    def current_version(self, session: Session, product: str) -> str | None: ...


class DatabaseKnowledgeBase:
    def current_version(self, session: Session, product: str) -> str | None:
        row = session.get(KbProduct, product)
        return row.current_version if row else None
