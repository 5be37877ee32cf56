"""Admin › Customers and Admin › Knowledge base: the records a fresh install needs before its first project."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext
from sqlalchemy import func, or_, select

from service.flows import knowledge_base
from service.flows.visibility import ADMIN_GROUP, groups_of
from service.store.models import Customer

from .session_auth import page_login_required

bp = Blueprint("admin_records_pages", __name__)


@bp.get("/admin/customers")
@page_login_required
def customers():
    services = current_app.extensions["handoff"]
    search = (request.args.get("q") or "").strip()[:100]
    with services.sessions() as session:
        if ADMIN_GROUP not in groups_of(session, g.user.id):
            abort(403, description=gettext("Customer records are kept by admins; sales changes them on their "
                                           "projects."))
        query = select(Customer).order_by(Customer.name)
        if search:
            query = query.where(or_(func.lower(Customer.name).contains(search.lower(), autoescape=True),
                                    func.lower(Customer.industry).contains(search.lower(), autoescape=True)))
        return render_template("admin_customers.html", customers=list(session.scalars(query)), search=search)


@bp.get("/admin/knowledge-base")
@page_login_required
def knowledge_base_page():
    services = current_app.extensions["handoff"]
    with services.sessions() as session:
        if not knowledge_base.may_set(session, g.user.id):
            abort(403, description=gettext("Knowledge-base versions are kept by the product owners and admins."))
        return render_template("admin_knowledge_base.html", products=knowledge_base.products(session))
