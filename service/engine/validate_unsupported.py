"""What SpiffWorkflow parses but Handoff cannot run as BPMN says: refused at validate time, with what to draw instead.

Each rule here was tried on SpiffWorkflow 3.2 (see tests/engine/test_validate_unsupported.py):
compensation does not parse, ad-hoc sub-processes fail when reached, link events end the path
at the throw, and a conditional event is never evaluated again while its token waits. The rest
of the BPMN flow nodes Handoff knows run (tests/flows/test_constructs_*.py).
"""

from __future__ import annotations

import re

from lxml import etree

from .validate_checks import BPMN_NS, CAMUNDA_NS, FileContext, bpmn, camunda, parse_python

# Flow node types SpiffWorkflow has no parser for, with what a designer can draw instead.
INSTEAD = {
    "complexGateway": "use an inclusive gateway (conditions on its outgoing flows) or an exclusive gateway",
    "callChoreography": "choreographies do not run; draw the process of one participant",
    "choreographyTask": "choreographies do not run; draw the process of one participant",
    "subChoreography": "choreographies do not run; draw the process of one participant",
    "implicitThrowEvent": "use an intermediate throw event",
    "event": "use a start, end, intermediate or boundary event",
}

EVENT_DEFINITIONS = {
    "compensateEventDefinition": "compensation is not run by Handoff; model the undo step as ordinary flow "
                                 "(e.g. an error boundary event leading to the task that undoes the work)",
    "conditionalEventDefinition": "conditional events are not re-evaluated while an instance waits; "
                                  "use an exclusive gateway after the step that sets the data",
    "linkEventDefinition": "link events are not run by Handoff (the path would end at the throw); "
                           "draw the sequence flow instead",
}
COVERS = {  # how SpiffWorkflow's parser would say the same, so it is said once
    "compensateEventDefinition": "NotImplementedError",
}
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
_EXPRESSION = re.compile(r"^\s*[$#]\{.*\}\s*$", re.DOTALL)
_INSIDE = re.compile(r"^\s*\$\{(.*)\}\s*$", re.DOTALL)


def unsupported_tag(ctx: FileContext, node) -> None:
    local = etree.QName(node).localname
    hint = INSTEAD.get(local)
    message = f"unsupported element type bpmn:{local}" + (f"; {hint}" if hint else "")
    ctx.report(node, message, covers="There is no support")


def check_nodes(ctx: FileContext, process) -> None:
    """Event definitions, activities and attributes that would not run as drawn."""
    for local, message in EVENT_DEFINITIONS.items():
        for definition in process.iter(bpmn(local)):
            event = definition.getparent()
            event_id = event.get("id") if event is not None else None
            ctx.report(definition, message, element_id=event_id, covers=COVERS.get(local, ""))
    for node in process.iter(etree.Element):
        if etree.QName(node).namespace != BPMN_NS:
            continue
        if node.get("isForCompensation") == "true":
            ctx.report(node, EVENT_DEFINITIONS["compensateEventDefinition"])
    for node in process.iter(bpmn("adHocSubProcess")):
        ctx.report(node, "ad-hoc sub-processes are not run by Handoff; use a sub-process with a parallel "
                         "or inclusive gateway in front of its tasks", covers="")
    for node in process.iter(bpmn("callActivity")):
        _check_call_activity(ctx, node)
    for node in process.iter(bpmn("multiInstanceLoopCharacteristics")):
        _check_multi_instance(ctx, node)
    for node in process.iter(bpmn("errorEventDefinition")):
        event = node.getparent()
        if event is not None and "false" in (event.get("cancelActivity"), event.get("isInterrupting")):
            ctx.report(event, "an error event always interrupts (BPMN); remove cancelActivity/isInterrupting "
                              '"false", or throw an escalation to go on beside the work')
    for node in process.iter(bpmn("errorEventDefinition"), bpmn("escalationEventDefinition")):
        for attr in ("errorCodeVariable", "errorMessageVariable", "escalationCodeVariable"):
            if camunda(node, attr):
                event = node.getparent()
                ctx.report(node, f"camunda:{attr} is not set by Handoff; pass what the handler needs "
                                 "in the process data before the error or escalation is thrown",
                           element_id=event.get("id") if event is not None else None)


def _check_call_activity(ctx: FileContext, node) -> None:
    called = (node.get("calledElement") or "").strip()
    if _EXPRESSION.match(called):
        ctx.report(node, "calledElement must name a process, not an expression (the called process "
                         "is bound when the caller is deployed); use an exclusive gateway in front of "
                         "one call activity per process")
    binding = camunda(node, "calledElementBinding")
    if binding and binding not in ("latest", "deployment"):
        ctx.report(node, f'camunda:calledElementBinding="{binding}" is not supported: Handoff calls the '
                         "version deployed with (or before) the caller; remove the attribute")
    for attr in ("caseRef", "variableMappingClass", "variableMappingDelegateExpression"):
        if camunda(node, attr):
            ctx.report(node, f"camunda:{attr} is not run by Handoff; pass data with camunda:in and "
                             "camunda:out (variables=\"all\", or source and target)")
    for mapping in node.iterfind(f"{bpmn('extensionElements')}/{{{CAMUNDA_NS}}}*"):
        kind = etree.QName(mapping).localname
        if kind not in ("in", "out"):
            continue
        if mapping.get("variables") == "all" or mapping.get("businessKey") is not None:
            continue  # a call activity runs inside its caller's instance: the business key is the same
        source = mapping.get("source")
        expression = mapping.get("sourceExpression")
        target = (mapping.get("target") or "").strip()
        if not source and not expression:
            ctx.report(mapping, f"camunda:{kind} names nothing to pass; give source and target, "
                                'sourceExpression and target, or variables="all"', element_id=node.get("id"))
        elif expression and not target:
            ctx.report(mapping, f"camunda:{kind} with a sourceExpression needs a target",
                       element_id=node.get("id"))
        elif target and not _VARIABLE.match(target):
            ctx.report(mapping, f"camunda:{kind} target {target!r} is not a variable name",
                       element_id=node.get("id"))


def _check_multi_instance(ctx: FileContext, loop) -> None:
    activity = loop.getparent()
    activity_id = activity.get("id") if activity is not None else None
    cardinality = loop.find(bpmn("loopCardinality")) is not None
    standard = loop.find(bpmn("loopDataInputRef")) is not None
    collection = (camunda(loop, "collection") or "").strip()
    given = [name for name, present in (("loopCardinality", cardinality), ("camunda:collection", bool(collection)),
                                         ("loopDataInputRef", standard)) if present]
    if len(given) > 1:
        ctx.report(loop, f"multi-instance gives both {' and '.join(given)}; keep one", element_id=activity_id,
                   covers="A multiinstance task must specify exactly one")
    elif not given:
        ctx.report(loop, "multi-instance needs loopCardinality, camunda:collection or loopDataInputRef",
                   element_id=activity_id, covers="A multiinstance task must specify")
    if camunda(loop, "elementVariable") and not collection:
        ctx.report(loop, "camunda:elementVariable needs camunda:collection (with loopDataInputRef, use "
                         "inputDataItem)", element_id=activity_id)
    for child, what in ((loop.find(bpmn("loopCardinality")), "loopCardinality"),
                        (loop.find(bpmn("completionCondition")), "completionCondition")):
        if child is not None:
            _check_expression(ctx, child, child.text or "", what, activity_id)
    if collection.startswith("${"):
        _check_expression(ctx, loop, collection, "camunda:collection", activity_id)


def _check_expression(ctx: FileContext, element, text: str, what: str, element_id: str | None) -> None:
    """Multi-instance expressions are Python, as conditions are (Camunda's ``${...}`` around them is allowed)."""
    match = _INSIDE.match(text)
    source = match.group(1) if match else text
    if not source.strip():
        ctx.report(element, f"multi-instance {what} is empty", element_id=element_id)
        return
    _tree, error, _line = parse_python(source)
    if error is not None:
        ctx.report(element, f"multi-instance {what} is not valid Python: {error}", element_id=element_id)
