"""Knowledge-base versions (R4): every product's current version; product owners and admins set it."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint

from service.flows import knowledge_base

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, services

blp = Blueprint("knowledge_base", __name__, url_prefix="/api/v1/knowledge-base",
                description="Knowledge-base versions (R4)")


def _keeper(actor: int, **_url) -> None:
    with services().sessions() as session:
        if not knowledge_base.may_set(session, actor):
            abort(403, description=gettext("only product owners (group 'product') and admins set knowledge-base "
                                           "versions"))


def _view(row: knowledge_base.ProductVersion) -> dict:
    return {"product": row.product, "version": row.version, "updated_at": row.updated_at,
            "updated_by": row.updated_by}


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.KbProductSchema(many=True))
def list_products():
    """Every product with its current version, who set it and when (what `kb_check` compares against)."""
    with services().sessions() as session:
        return [_view(row) for row in knowledge_base.products(session)]


@blp.route("/<string(maxlength=200):product>", methods=["PUT"])
@login_required
@authorized_first(_keeper)
@blp.arguments(schemas.KbVersionSchema)
@blp.response(200, schemas.KbProductSchema)
def set_version(body, product: str):
    """Makes the version current (adds the product if new). Projects meet it when delivery starts: a project
    bound to another version is frozen then, for the product owners to confirm or rebind (R4)."""
    return _view(knowledge_base.set_version(services(), product, body["version"], actor_id()))
