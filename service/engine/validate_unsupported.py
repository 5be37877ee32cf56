"""What SpiffWorkflow parses but Handoff cannot run as BPMN says: refused at validate time, with what to draw instead.

Each rule here was tried on SpiffWorkflow 3.2 (see tests/engine/test_validate_unsupported.py):
compensation does not parse, ad-hoc sub-processes fail when reached, link events end the path
at the throw, and a conditional event is never evaluated again while its token waits. The rest
of the BPMN flow nodes Handoff knows run (tests/flows/test_constructs_*.py).
"""

from __future__ import annotations

import re

from lxml import etree

from service.i18n import Text

from .validate_checks import BPMN_NS, CAMUNDA_NS, FileContext, bpmn, camunda, parse_python

# Flow node types SpiffWorkflow has no parser for, with what a designer can draw instead.
INSTEAD = {
    "complexGateway": Text("use an inclusive gateway (conditions on its outgoing flows) or an exclusive gateway"),
    "callChoreography": Text("choreographies do not run; draw the process of one participant"),
    "choreographyTask": Text("choreographies do not run; draw the process of one participant"),
    "subChoreography": Text("choreographies do not run; draw the process of one participant"),
    "implicitThrowEvent": Text("use an intermediate throw event"),
    "event": Text("use a start, end, intermediate or boundary event"),
}

EVENT_DEFINITIONS = {
    "compensateEventDefinition": Text("compensation is not run by Handoff; model the undo step as ordinary flow "
                                      "(e.g. an error boundary event leading to the task that undoes the work)"),
    "conditionalEventDefinition": Text("conditional events are not re-evaluated while an instance waits; "
                                       "use an exclusive gateway after the step that sets the data"),
    "linkEventDefinition": Text("link events are not run by Handoff (the path would end at the throw); "
                                "draw the sequence flow instead"),
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
    message = (Text("unsupported element type bpmn:%(tag)s; %(hint)s", tag=local, hint=hint) if hint
               else Text("unsupported element type bpmn:%(tag)s", tag=local))
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
        ctx.report(node, Text("ad-hoc sub-processes are not run by Handoff; use a sub-process with a parallel "
                              "or inclusive gateway in front of its tasks"), covers="")
    for node in process.iter(bpmn("callActivity")):
        _check_call_activity(ctx, node)
    for node in process.iter(bpmn("multiInstanceLoopCharacteristics")):
        _check_multi_instance(ctx, node)
    for node in process.iter(bpmn("errorEventDefinition")):
        event = node.getparent()
        if event is not None and "false" in (event.get("cancelActivity"), event.get("isInterrupting")):
            ctx.report(event, Text("an error event always interrupts (BPMN); remove cancelActivity/isInterrupting "
                                   '"false", or throw an escalation to go on beside the work'))
    for node in process.iter(bpmn("errorEventDefinition"), bpmn("escalationEventDefinition")):
        for attr in ("errorCodeVariable", "errorMessageVariable", "escalationCodeVariable"):
            if camunda(node, attr):
                event = node.getparent()
                ctx.report(node, Text("camunda:%(attr)s is not set by Handoff; pass what the handler needs "
                                      "in the process data before the error or escalation is thrown", attr=attr),
                           element_id=event.get("id") if event is not None else None)


def _check_call_activity(ctx: FileContext, node) -> None:
    called = (node.get("calledElement") or "").strip()
    if _EXPRESSION.match(called):
        ctx.report(node, Text("calledElement must name a process, not an expression (the called process "
                              "is bound when the caller is deployed); use an exclusive gateway in front of "
                              "one call activity per process"))
    binding = camunda(node, "calledElementBinding")
    if binding and binding not in ("latest", "deployment"):
        ctx.report(node, Text('camunda:calledElementBinding="%(binding)s" is not supported: Handoff calls the '
                              "version deployed with (or before) the caller; remove the attribute", binding=binding))
    for attr in ("caseRef", "variableMappingClass", "variableMappingDelegateExpression"):
        if camunda(node, attr):
            ctx.report(node, Text("camunda:%(attr)s is not run by Handoff; pass data with camunda:in and "
                                  "camunda:out (variables=\"all\", or source and target)", attr=attr))
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
            ctx.report(mapping, Text("camunda:%(kind)s names nothing to pass; give source and target, "
                                     'sourceExpression and target, or variables="all"', kind=kind),
                       element_id=node.get("id"))
        elif expression and not target:
            ctx.report(mapping, Text("camunda:%(kind)s with a sourceExpression needs a target", kind=kind),
                       element_id=node.get("id"))
        elif target and not _VARIABLE.match(target):
            ctx.report(mapping, Text("camunda:%(kind)s target %(target)s is not a variable name", kind=kind,
                                     target=repr(target)),
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
        ctx.report(loop, Text("multi-instance gives both %(given)s; keep one", given=" and ".join(given)),
                   element_id=activity_id,
                   covers="A multiinstance task must specify exactly one")
    elif not given:
        ctx.report(loop, Text("multi-instance needs loopCardinality, camunda:collection or loopDataInputRef"),
                   element_id=activity_id, covers="A multiinstance task must specify")
    if camunda(loop, "elementVariable") and not collection:
        ctx.report(loop, Text("camunda:elementVariable needs camunda:collection (with loopDataInputRef, use "
                              "inputDataItem)"), element_id=activity_id)
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
        ctx.report(element, Text("multi-instance %(what)s is empty", what=what), element_id=element_id)
        return
    _tree, error, _line = parse_python(source)
    if error is not None:
        ctx.report(element, Text("multi-instance %(what)s is not valid Python: %(error)s", what=what, error=error),
                   element_id=element_id)
