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

from service.i18n import N_, Text

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


WHATS = {"these files": Text("these files"), "this file": Text("this file"), "this element": Text("this element"),
         "it": Text("it")}


def unexpected(error: BaseException, what: str) -> Text:
    """A failure of ours, said as what the designer can do; the traceback is logged by the caller."""
    said = WHATS.get(what, what)
    if isinstance(error, RecursionError):
        return Text("%(what)s is nested or chained too deeply to be checked", what=said)
    if isinstance(error, MemoryError):
        return Text("%(what)s is too large to be checked", what=said)
    return Text("%(what)s could not be checked (an internal error, logged for the developers)", what=said)


# SpiffWorkflow's own texts (SpiffWorkflow 3.x parser and DMN parser), each as a designer reads it.
_SPIFF_TEXTS: list[tuple[re.Pattern, str]] = [(re.compile(pattern, re.DOTALL), sentence) for pattern, sentence in (
    (r"Cannot resolve dataInputAssociation",
     N_("a data input association reads from %(ref)s, which is not a data object or data "
        "store reference of this process")),
    (r"Cannot resolve dataOutputAssociation",
     N_("a data output association writes to %(ref)s, which is not a data object or data "
        "store reference of this process")),
    (r"Unsupported Catch Event",
     N_("this boundary event has no event definition that can run: give it a timer, "
        "message, signal, error, escalation, conditional or cancel definition")),
    (r"No start event found",
     N_("the process has no start event")),
    (r"Duplicate process ID: (?P<id>\S+)",
     N_("process id %(id)s is defined twice; give each process its own id")),
    (r"Process (?P<id>\S+) is not executable",
     N_('process %(id)s is not executable (isExecutable="false")')),
    (r"There is no support implemented for this task type",
     N_("this element type cannot be run by the engine; use a task type Handoff supports")),
    (r"Multiple outgoing flows are not supported",
     N_("this element has several outgoing flows: only gateways and start events may split the flow")),
    (r"When looking for a task spec.*\((?P<id>[^)]*)\)",
     N_("a flow leads to %(id)s, which is not a flow node here")),
    (r"Non-default exclusive outgoing sequence flow without condition",
     N_("a flow leaving this gateway has no condition and is not the gateway's default flow")),
    (r"Unknown Time Specification|Time Specification Error",
     N_("the timer has no timeDuration, timeDate or timeCycle")),
    (r'No DMN Diagram available with id "(?P<id>[^"]*)", Available DMN ids are: ?(?P<known>.*)',
     N_("decision %(id)s is not in any DMN file (%(known_list)s)")),
    (r"Multiple decision tables are not current supported",
     N_("this DMN file holds more than one decision, which the engine cannot read yet; keep one decision per file")),
    (r"No decisions found",
     N_("this DMN file has no decision")),
    (r"Unknown type in decision table: (?P<tag>.*)",
     N_("a decision table cannot hold %(tag)s")),
    (r"Malformed Output Expression '(?P<text>.*)'\. (?P<why>.*)",
     N_("output entry %(text)s is not a valid expression (%(why)s)")),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<count>\d+)",
     N_("a sub-process needs exactly one start event; this one has %(count)s")),
    (r"A SubWorkflow Must contain an End event",
     N_("a sub-process needs an end event")),
    (r'No "calledElement" attribute for Call Activity',
     N_("the call activity names no process to call (calledElement)")),
    (r"The process '(?P<id>[^']*)' was not found",
     N_("the called process %(id)s is in none of the files checked together (deploy it, or send its file too)")),
    (r"A multiinstance task must specify a cardinality or a collection",
     N_("a multi-instance task needs a loop cardinality or a collection (camunda:collection)")),
    (r"Cancel Events may only be used with transactions",
     N_("a cancel event may only be attached to a transaction")),
    (r"Conditional event definition with missing condition",
     N_("the conditional event has no condition")),
    (r"Invalid Script Task",
     N_("the script task has no script")),
    (r"Sequential ordering for ad hoc subprocesses not supported",
     N_('an ad-hoc sub-process cannot be sequential; use ordering="Parallel"')),
    (r"Ad hoc subprocesses may not contain start or end events",
     N_("an ad-hoc sub-process may not contain start or end events")),
    (r"(?P<what>Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing",
     N_("a %(what_lower)s definition has no id")),
    (r"Correlation is missing correlation property retrieval expressions: (?P<id>\S+)",
     N_("correlation property %(id)s has no retrieval expression")),
    (r"Data Store with name (?P<name>.*) has no implementation",
     N_("data store %(name)s is not one the engine knows; use a data object or the process data instead")),
    (r"maximum recursion depth exceeded",
     N_("the diagram is nested or chained too deeply to be read")),
)]


def known_text(text: str) -> bool:
    """Whether `spiff_message` has words of its own for this SpiffWorkflow text."""
    return any(pattern.search(text) for pattern, _ in _SPIFF_TEXTS)


def spiff_message(text: str, ref: str | None = None) -> Text | str:
    """SpiffWorkflow's message in plain words (``ref`` names what an association points to, when known);
    a `Text`, so the designer reads it in their language."""
    for pattern, sentence in _SPIFF_TEXTS:
        found = pattern.search(text)
        if found:
            values: dict = {k: plain(v).strip("'\"") for k, v in found.groupdict().items() if v is not None}
            known = values.get("known", "").strip()
            values["known_list"] = (Text("decisions there: %(known)s", known=known) if known
                                    else Text("there is no decision at all"))
            values["what_lower"] = values.get("what", "").lower()
            values["ref"] = ref or Text("an id")
            used = set(re.findall(r"%\((\w+)\)s", sentence))
            return Text(sentence, **{k: v for k, v in values.items() if k in used})
    return plain(text)
