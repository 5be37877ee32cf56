"""The current knowledge-base version of each product (R4), which `kb_check` compares a project against.

Product owners (the `product` group) keep it, as SPEC's roles say, and admins may too: on a fresh
install an admin sets the first versions. A new version does not touch running projects by itself:
each project meets it when delivery starts (`kb_check`), and a frozen one is released by the product
owners on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.i18n import Text
from service.store import queries
from service.store.models import KbProduct, User

from . import audit
from .context import Services
from .errors import Forbidden, FormInvalid
from .unit_of_work import UnitOfWork

KEEPERS = ("product", "admins")


@dataclass(frozen=True)
class ProductVersion:
    product: str
    version: str
    updated_at: datetime
    updated_by: str | None
    previous: str | None = None


def may_set(session: Session, actor_id: int) -> bool:
    return any(queries.is_member(session, actor_id, group) for group in KEEPERS)


def check_set(session: Session, actor_id: int) -> None:
    if not may_set(session, actor_id):
        raise Forbidden(Text("only product owners (group 'product') and admins set knowledge-base versions"))


def products(session: Session) -> list[ProductVersion]:
    rows = session.execute(select(KbProduct, User.username).outerjoin(User, User.id == KbProduct.updated_by)
                           .order_by(KbProduct.product))
    return [ProductVersion(row.product, row.current_version, row.updated_at, username) for row, username in rows]


def set_version(services: Services, product: str, version: str, actor_id: int) -> ProductVersion:
    """Makes `version` the product's current one (a new product is added); the same version changes nothing."""
    product, version = " ".join(product.split()), version.strip()
    errors = {}
    if not product or len(product) > 200:
        errors["product"] = [Text("a product name of 1 to 200 characters")]
    if not version or len(version) > 200:
        errors["version"] = [Text("a version of 1 to 200 characters, e.g. V3.3-202605 security module")]
    if errors:
        raise FormInvalid(Text("not a product version"), errors)
    now = services.clock()
    with UnitOfWork(services.sessions) as uow:
        session = uow.session
        check_set(session, actor_id)
        row = session.get(KbProduct, product)
        previous = row.current_version if row else None
        if row is None:
            row = KbProduct(product=product, current_version=version, updated_at=now, updated_by=actor_id)
            session.add(row)
        elif previous != version:
            row.current_version, row.updated_at, row.updated_by = version, now, actor_id
        if previous != version:
            audit.record(session, now, "kb_version_set", actor_id=actor_id, product=product, version=version,
                         previous=previous)
        updated_by = session.get(User, row.updated_by).username if row.updated_by else None
        result = ProductVersion(product, row.current_version, row.updated_at, updated_by, previous)
        uow.commit()
        return result
