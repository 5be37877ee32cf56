"""Checks on messages and signals: each wait must be reachable by a name, or nothing can ever end it.

A partner (``POST /api/v1/correlations``, ``/signals``) or another instance reaches a wait by the
message's or signal's name. A definition that names nothing, or names a message or signal the
file does not declare, waits for ever; so does an event subprocess inside a subprocess, which
SpiffWorkflow never starts by a message or signal (only those at the process level).
"""

from __future__ import annotations

from lxml import etree

from service.i18n import Text

from .validate_checks import FileContext, bpmn

WITH_MESSAGE = ("receiveTask", "sendTask")
EVENTS = ("startEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "endEvent")

WORDS = {"message": Text("message"), "signal": Text("signal")}

def check_messages(ctx: FileContext) -> None:
    """Every message and signal event names a declared message or signal; event subprocesses sit at the top."""
    messages = {m.get("id"): (m.get("name") or "").strip() for m in ctx.iter("message")}
    signals = {s.get("id"): (s.get("name") or "").strip() for s in ctx.iter("signal")}
    for process in ctx.iter("process"):
        for task in process.iter(*(bpmn(name) for name in WITH_MESSAGE)):
            if task.get("messageRef") or next(task.iterchildren(bpmn("messageEventDefinition")), None) is None:
                _check_ref(ctx, task, task, "messageRef", messages, "message")
        for event in process.iter(*(bpmn(name) for name in EVENTS)):
            for definition in event.iterchildren(bpmn("messageEventDefinition")):
                _check_ref(ctx, event, definition, "messageRef", messages, "message")
            for definition in event.iterchildren(bpmn("signalEventDefinition")):
                _check_ref(ctx, event, definition, "signalRef", signals, "signal")
        for nested in process.iter(bpmn("subProcess")):
            if nested.get("triggeredByEvent") == "true" and _inside_subprocess(nested, process):
                for start in nested.iterchildren(bpmn("startEvent")):
                    if _definitions(start):
                        ctx.report(start, Text("an event subprocess inside a subprocess is never started by a "
                                               "message or signal here; draw it at the process level, or use a "
                                               "boundary event on the subprocess"))


def _check_ref(ctx: FileContext, element, definition, attribute: str, declared: dict[str, str], kind: str) -> None:
    ref = definition.get(attribute)
    tag = etree.QName(element).localname
    if ref:
        if ref not in declared:
            ctx.report(element, Text('%(attribute)s %(ref)s names no bpmn:%(kind)s in this file: declare '
                                     '<bpmn:%(kind)s id="%(ref)s" name="..."/>', attribute=attribute, ref=ref,
                                     kind=kind))
            ctx.blocks_parser = True  # SpiffWorkflow cannot load the file; this says why
        elif not declared[ref]:
            ctx.report(element, Text("bpmn:%(kind)s %(ref)s has no name: a %(word)s is sent and caught by its name",
                                     kind=kind, ref=ref, word=WORDS[kind]))
    elif not (element.get("name") or "").strip() or tag in WITH_MESSAGE:
        sentence = (Text("this %(word)s task names no %(word)s: set %(attribute)s to a bpmn:%(kind)s with a name "
                         "(the name partners send)", word=WORDS[kind], attribute=attribute, kind=kind)
                    if tag in WITH_MESSAGE else
                    Text("this %(word)s event names no %(word)s: set %(attribute)s to a bpmn:%(kind)s with a name "
                         "(the name partners send)", word=WORDS[kind], attribute=attribute, kind=kind))
        ctx.report(element, sentence)


def _inside_subprocess(node, process) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not process:
        if etree.QName(parent).localname in ("subProcess", "transaction"):
            return True
        parent = parent.getparent()
    return False


def _definitions(start) -> list:
    return [*start.iterchildren(bpmn("messageEventDefinition")), *start.iterchildren(bpmn("signalEventDefinition"))]
