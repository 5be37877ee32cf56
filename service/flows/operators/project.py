"""Operators that change the project itself: stage, status, log entries, checks."""

from __future__ import annotations

from service.engine.specs import OperatorCall
from service.store import queries
from service.store.models import Customer

from .. import audit, recipients, signatures
from ..errors import ProcessFailed
from ..names import split_names
from . import fanout
from .context import OperatorContext


def set_stage(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Enters a lifecycle stage (R1): the board shows it and times it from now."""
    stage = str(ctx.require(call, "name"))
    if len(stage) > 100:
        raise ProcessFailed(f"service task {call.element_id}: a stage name has at most 100 characters")
    previous, ctx.instance.stage, ctx.instance.stage_entered_at = ctx.instance.stage, stage, ctx.now
    audit.record(ctx.session, ctx.now, "stage_entered", instance_id=ctx.instance.id, element_id=call.element_id,
                 stage=stage, previous=previous, order=call.params.get("order"))
    return {"stage": stage}


def link_customer(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Ties the project to its customer record, so customer changes reach it (R8)."""
    value = ctx.require(call, "customer")
    customer = queries.by_id(ctx.session, Customer, value if isinstance(value, int) else str(value))
    if customer is None:
        raise ProcessFailed(f"service task {call.element_id}: no customer {value!r}")
    ctx.instance.customer_id = customer.id
    audit.record(ctx.session, ctx.now, "customer_linked", instance_id=ctx.instance.id, element_id=call.element_id,
                 customer_id=customer.id, customer=customer.name)
    return None


def set_status(ctx: OperatorContext, call: OperatorCall) -> dict:
    status = str(ctx.require(call, "status"))
    previous, ctx.instance.project_status = ctx.instance.project_status, status
    audit.record(ctx.session, ctx.now, "status_changed", instance_id=ctx.instance.id, element_id=call.element_id,
                 status=status, previous=previous)
    return {"project_status": status}


def record(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Writes a fact the dashboards count (R10), e.g. ``kind=handover_delayed``."""
    kind = str(ctx.require(call, "kind"))
    if len(kind) > 40:
        raise ProcessFailed(f"service task {call.element_id}: a log entry kind has at most 40 characters")
    facts = {k: v for k, v in call.params.items() if k != "kind"}
    audit.record(ctx.session, ctx.now, kind, instance_id=ctx.instance.id, element_id=call.element_id, data=facts)
    return None


def kb_check(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Compares the knowledge-base version bound at the opportunity with the current one (R4).

    On a mismatch the instance is frozen (no task of it completes) and the product
    owners are told; a product owner's release lets it go on. ``rebinds`` names the
    variable a release may set to the current version (offered on the project's page).
    """
    product, bound = str(ctx.require(call, "product")), str(ctx.require(call, "version"))
    current = ctx.knowledge_base.current_version(ctx.session, product)
    matches = current == bound
    audit.record(ctx.session, ctx.now, "kb_checked", instance_id=ctx.instance.id, element_id=call.element_id,
                 product=product, bound=bound, current=current, matches=matches)
    if not matches:
        reason = f"knowledge-base version of {product}: bound {bound}, current {current or 'unknown'}"
        ctx.instance.frozen, ctx.instance.frozen_reason = True, reason
        ctx.instance.release_group = str(call.params.get("released_by") or "product")
        rebinds = str(call.params.get("rebinds") or "")
        rebind = {rebinds: current} if rebinds and current else {}
        audit.record(ctx.session, ctx.now, "instance_frozen", instance_id=ctx.instance.id,
                     element_id=call.element_id, reason=reason, rebind=rebind)
        to = str(call.params.get("notify") or "group:product")
        facts = {"product": product, "bound": bound, "current": current}
        payload = {"subject": f"Project frozen: {reason}", "kind": "kb_mismatch", "body": facts,
                   "link": f"/instances/{ctx.instance.id}"}
        fanout.notification_rows(ctx, recipients.resolve(ctx.session, ctx.instance, to, ctx.people), topic="notify",
                                 payload=payload, key=f"kb:{ctx.instance.id}:{call.task_id}")
    return {"kb_current_version": current, "kb_version_matches": matches}


def customer_history(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Puts the customer's service history in the process data (R3), for a notify to carry."""
    value = ctx.require(call, "customer")
    customer = queries.by_id(ctx.session, Customer, value if isinstance(value, int) else str(value))
    if customer is None:
        return {"service_history": None}
    return {"service_history": {"customer": customer.name, "complaint_types": list(customer.complaint_types or []),
                                "sla_achievement": customer.sla_achievement}}


def verify_signatures(ctx: OperatorContext, call: OperatorCall) -> dict:
    """Are all ``sections`` signed by every role in ``roles``, with content unchanged since? (R2)"""
    sections, roles = split_names(ctx.require(call, "sections")), split_names(ctx.require(call, "roles"))
    result = str(call.params.get("result") or "signatures_valid")
    gaps = signatures.missing(signatures.verify(ctx.session, ctx.signer, ctx.instance.id, call.data), sections, roles)
    audit.record(ctx.session, ctx.now, "signatures_verified", instance_id=ctx.instance.id,
                 element_id=call.element_id, valid=not gaps, missing=gaps)
    return {result: not gaps, f"{result}_missing": gaps}
