"""Plain words for validation problems: no Python reprs, no exception class names, one line.

SpiffWorkflow's parser speaks to its own developers (``Cannot resolve dataInputAssociation
<Element {…}sourceRef at 0x7f…>``, ``RecursionError(…)``, the XML of a node as bytes); a
process designer needs the element and what to change. `spiff_message` rewrites the texts
SpiffWorkflow is known to raise, `plain` cleans any other text, and `unexpected` turns a
failure of the validator itself into a sentence (the details go to the log).
"""

from __future__ import annotations

import re

from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
PREFIXES = {
    BPMN_NS: "bpmn",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    **{uri: "dmn" for uri in DMN_SCHEMAS},
}
_ELEMENT_REPR = re.compile(r"<Element (\S+) at 0x[0-9a-fA-F]+>")
_OBJECT_REPR = re.compile(r"<([\w.]+)(?: object)? at 0x[0-9a-fA-F]+>")
_BYTES_XML = re.compile(r"""b(['"])<.*?\1""", re.DOTALL)
_EXCEPTION_REPR = re.compile(r"\b([A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning))\(((?:[^()]|\([^()]*\))*)\)")
_EXCEPTION_PREFIX = re.compile(r"\b[A-Z]\w*(?:Error|Exception): ")


def one_line(text: object) -> str:
    """Messages from lxml or exceptions may span lines; a problem is one line."""
    return " ".join(str(text).split())


def readable_tags(text: str) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask`` reads ``bpmn:userTask``."""
    for uri, prefix in PREFIXES.items():
        text = text.replace(f"{{{uri}}}", f"{prefix}:")
    return text


def plain(text: object) -> str:
    """One line without object reprs, exception class names or XML dumps: the last net under every message."""
    text = readable_tags(str(text))
    text = _ELEMENT_REPR.sub(lambda m: m.group(1), text)
    text = _BYTES_XML.sub("the element", text)
    text = _OBJECT_REPR.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    for _ in range(3):  # ValueError("KeyError('x')") nests
        text = _EXCEPTION_REPR.sub(lambda m: _unquote(m.group(2)), text)
    text = _EXCEPTION_PREFIX.sub("", text)
    return one_line(text)


def _unquote(args: str) -> str:
    args = args.strip().rstrip(",").strip()
    if len(args) >= 2 and args[0] == args[-1] and args[0] in "'\"":
        return args[1:-1]
    return args


def unexpected(error: BaseException, what: str) -> str:
    """A failure of ours, said as what the designer can do; the traceback is logged by the caller."""
    if isinstance(error, RecursionError):
        return f"{what} is nested or chained too deeply to be checked"
    if isinstance(error, MemoryError):
        return f"{what} is too large to be checked"
    return f"{what} could not be checked (an internal error, logged for the developers)"


# SpiffWorkflow's own texts (SpiffWorkflow 3.x parser and DMN parser), each as a designer reads it.
_SPIFF_TEXTS: list[tuple[re.Pattern, str]] = [(re.compile(pattern, re.DOTALL), sentence) for pattern, sentence in (
    (r"Cannot resolve dataInputAssociation",
     "a data input association reads from {ref}, which is not a data object or data store reference of this process"),
    (r"Cannot resolve dataOutputAssociation",
     "a data output association writes to {ref}, which is not a data object or data store reference of this process"),
    (r"Unsupported Catch Event",
     "this boundary event has no event definition that can run: give it a timer, message, signal, error, "
     "escalation, conditional or cancel definition"),
    (r"No start event found", "the process has no start event"),
    (r"Duplicate process ID: (?P<id>\S+)", "process id {id} is defined twice; give each process its own id"),
    (r"Process (?P<id>\S+) is not executable", 'process {id} is not executable (isExecutable="false")'),
    (r"There is no support implemented for this task type",
     "this element type cannot be run by the engine; use a task type Handoff supports"),
    (r"Multiple outgoing flows are not supported",
     "this element has several outgoing flows: only gateways and start events may split the flow"),
    (r"When looking for a task spec.*\((?P<id>[^)]*)\)", "a flow leads to {id}, which is not a flow node here"),
    (r"Non-default exclusive outgoing sequence flow without condition",
     "a flow leaving this gateway has no condition and is not the gateway's default flow"),
    (r"Unknown Time Specification|Time Specification Error",
     "the timer has no timeDuration, timeDate or timeCycle"),
    (r'No DMN Diagram available with id "(?P<id>[^"]*)", Available DMN ids are: ?(?P<known>.*)',
     "decision {id} is not in any DMN file ({known_list})"),
    (r"Multiple decision tables are not current supported",
     "this DMN file holds more than one decision, which the engine cannot read yet; keep one decision per file"),
    (r"No decisions found", "this DMN file has no decision"),
    (r"Unknown type in decision table: (?P<tag>.*)", "a decision table cannot hold {tag}"),
    (r"Malformed Output Expression '(?P<text>.*)'\. (?P<why>.*)",
     "output entry {text} is not a valid expression ({why})"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<count>\d+)",
     "a sub-process needs exactly one start event; this one has {count}"),
    (r"A SubWorkflow Must contain an End event", "a sub-process needs an end event"),
    (r'No "calledElement" attribute for Call Activity',
     "the call activity names no process to call (calledElement)"),
    (r"The process '(?P<id>[^']*)' was not found",
     "the called process {id} is in none of the files checked together (deploy it, or send its file too)"),
    (r"A multiinstance task must specify a cardinality or a collection",
     "a multi-instance task needs a loop cardinality or a collection (camunda:collection)"),
    (r"Cancel Events may only be used with transactions", "a cancel event may only be attached to a transaction"),
    (r"Conditional event definition with missing condition", "the conditional event has no condition"),
    (r"Invalid Script Task", "the script task has no script"),
    (r"Sequential ordering for ad hoc subprocesses not supported",
     'an ad-hoc sub-process cannot be sequential; use ordering="Parallel"'),
    (r"Ad hoc subprocesses may not contain start or end events",
     "an ad-hoc sub-process may not contain start or end events"),
    (r"(?P<what>Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing",
     "a {what_lower} definition has no id"),
    (r"Correlation is missing correlation property retrieval expressions: (?P<id>\S+)",
     "correlation property {id} has no retrieval expression"),
    (r"Data Store with name (?P<name>.*) has no implementation",
     "data store {name} is not one the engine knows; use a data object or the process data instead"),
    (r"maximum recursion depth exceeded", "the diagram is nested or chained too deeply to be read"),
)]


def known_text(text: str) -> bool:
    """Whether `spiff_message` has words of its own for this SpiffWorkflow text."""
    return any(pattern.search(text) for pattern, _ in _SPIFF_TEXTS)


def spiff_message(text: str, ref: str | None = None) -> str:
    """SpiffWorkflow's message in plain words (``ref`` names what an association points to, when known)."""
    for pattern, sentence in _SPIFF_TEXTS:
        found = pattern.search(text)
        if found:
            values = {k: plain(v).strip("'\"") for k, v in found.groupdict().items() if v is not None}
            known = values.get("known", "").strip()
            values["known_list"] = f"decisions there: {known}" if known else "there is no decision at all"
            values["what_lower"] = values.get("what", "").lower()
            values["ref"] = ref or "an id"
            return sentence.format(**values)
    return plain(text)
