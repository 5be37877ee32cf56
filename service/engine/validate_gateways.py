"""Checks on gateways: a gateway that takes no flow for some answer, or a task that splits, stops an instance.

Where the conditions all test one form field against constants, the field's enum (or a
boolean) says which answers exist, and an answer no flow takes is named.
"""

from __future__ import annotations

import ast

from service.i18n import Text

from .juel import condition_source
from .validate_checks import FLOW_NODES, FORM_KEY, KNOWN_TAGS, SPLITS, FileContext, bpmn, parse_python


def check_gateways(ctx: FileContext) -> None:
    """A gateway no flow leaves for some answer stops the instance; so does a task that splits."""
    for process in ctx.iter("process"):
        outgoing: dict[str, list] = {}
        for flow in process.iter(bpmn("sequenceFlow")):
            outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
        enums = _form_enums(ctx, process)
        for gateway in process.iter(bpmn("exclusiveGateway"), bpmn("inclusiveGateway")):
            _check_gateway(ctx, gateway, outgoing.get(gateway.get("id") or "", []), enums)
        for node in process.iter(*(bpmn(name) for name in FLOW_NODES if name not in SPLITS)):
            count = len(outgoing.get(node.get("id") or "", []))
            if count > 1 and node.tag in KNOWN_TAGS:
                ctx.report(node, Text("%(count)s outgoing flows: only gateways and start events may split the flow",
                                      count=count),
                           covers="Multiple outgoing flows")


def _check_gateway(ctx: FileContext, gateway, flows: list, enums: dict[str, list]) -> None:
    """SpiffWorkflow fails a non-default flow without condition, and at run time when no flow is taken."""
    default = gateway.get("default")
    if default and default not in {flow.get("id") for flow in flows}:
        ctx.report(gateway, Text("default flow %(flow)s does not leave this gateway", flow=default))
        default = None
    if len(flows) < 2:
        return
    conditions = {}
    for flow in flows:
        flow_id = flow.get("id") or "?"
        if flow_id == default:
            continue
        text = _condition(flow)
        if text is None:
            ctx.report(gateway, Text("flow %(flow)s has no condition and is not the gateway's default", flow=flow_id),
                       covers="Non-default exclusive outgoing", covered_id=flow_id)
        else:
            conditions[flow_id] = text
    if not default and len(conditions) == len(flows):
        _check_coverage(ctx, gateway, conditions, enums)


def _condition(flow) -> str | None:
    for cond in flow.iterchildren(bpmn("conditionExpression")):
        return condition_source(cond.text) if cond.text and cond.text.strip() else None  # JUEL read as the parser does
    return None


def _check_coverage(ctx: FileContext, gateway, conditions: dict[str, str], enums: dict[str, list]) -> None:
    """Without a default flow, some value of the tested variable must take each path."""
    trees = [parse_python(text)[0] for text in conditions.values()]
    if any(tree is None for tree in trees):
        return
    live = [tree.body for tree in trees if not _always_false(tree.body)]
    if not live:
        ctx.report(gateway, Text("all conditions are always false; add a default flow"))
        return
    tests = [_equality_test(node) for node in live]
    if any(test is None for test in tests) or len({test[0] for test in tests}) != 1:
        return
    name = tests[0][0]
    values = [value for _, group in tests for value in group]
    for value in enums.get(name, []):
        if not any(value == taken for taken in values):  # JSON and literals compare safely
            ctx.report(gateway, Text("when %(name)s is %(value)s no outgoing flow is taken; add a default flow",
                                          name=name, value=repr(value)))


def _always_false(node: ast.AST) -> bool:
    try:
        return not ast.literal_eval(node)
    except Exception:  # not a literal (or a strange one): it may be true
        return False


def _equality_test(node: ast.AST) -> tuple[str, list] | None:
    """``x == 'a'``, ``'a' == x``, ``x in ('a', 'b')`` or an ``or`` of those: (x, values)."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        parts = [_equality_test(value) for value in node.values]
        if any(part is None for part in parts) or len({part[0] for part in parts}) != 1:
            return None
        return parts[0][0], [value for part in parts for value in part[1]]
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        return None
    left, op, right = node.left, node.ops[0], node.comparators[0]
    if isinstance(op, ast.Eq):
        if isinstance(right, ast.Name):
            left, right = right, left
        if isinstance(left, ast.Name) and isinstance(right, ast.Constant):
            return left.id, [right.value]
    if (isinstance(op, ast.In) and isinstance(left, ast.Name)
            and isinstance(right, (ast.Tuple, ast.List, ast.Set))
            and all(isinstance(elt, ast.Constant) for elt in right.elts)):
        return left.id, [elt.value for elt in right.elts]
    return None


def _form_enums(ctx: FileContext, process) -> dict[str, list]:
    """Values each form field of the process's user tasks can take: enums, consts and booleans."""
    enums: dict[str, list | None] = {}
    for task in process.iter(bpmn("userTask")):
        schema = ctx.forms.get((task.get(FORM_KEY) or "").strip())
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict):
            continue
        for name, prop in properties.items():
            values, known = _field_values(prop), enums.setdefault(name, [])
            if not values or known is None:  # a free field somewhere: any value is possible
                enums[name] = None
                continue
            for value in values:
                if not any(value == k for k in known):
                    known.append(value)
    return {name: values for name, values in enums.items() if values}


def _field_values(prop: object) -> list:
    if not isinstance(prop, dict):
        return []
    if isinstance(prop.get("enum"), list):
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    return [True, False] if prop.get("type") == "boolean" else []
