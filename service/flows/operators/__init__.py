"""Generic operators that BPMN service tasks call by topic (``camunda:topic``).

An operator runs inside the instance's transaction: what it writes (outbox rows,
audit events, instance fields) commits or rolls back with the engine step that
called it. Each is parameterised from the diagram; none knows a task by name.
"""

from __future__ import annotations

from collections.abc import Callable

from service.engine.specs import OperatorCall

from ..errors import ProcessFailed
from .context import OperatorContext
from .messaging import escalate, notify, push
from .project import customer_history, kb_check, link_customer, record, set_stage, set_status, verify_signatures

Operator = Callable[[OperatorContext, OperatorCall], dict | None]

OPERATORS: dict[str, Operator] = {
    "notify": notify,
    "escalate": escalate,
    "push": push,
    "stage": set_stage,
    "status": set_status,
    "record": record,
    "kb_check": kb_check,
    "link_customer": link_customer,
    "customer_history": customer_history,
    "verify_signatures": verify_signatures,
}


def run_operator(ctx: OperatorContext, call: OperatorCall) -> dict | None:
    handler = OPERATORS.get(call.topic)
    if handler is None:
        raise ProcessFailed(f"service task {call.element_id}: unknown operator {call.topic!r}")
    return handler(ctx, call)


OperatorContext.runner = run_operator

__all__ = ["OPERATORS", "OperatorContext", "run_operator"]
