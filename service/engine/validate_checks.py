"""Element checks of one parsed BPMN document, run by `service.engine.validate`.

SpiffWorkflow's parser stops at the first error and accepts much that only fails at
run time (a timer that is not ISO 8601, a missing lane, a form that does not exist). These
checks look at the XML itself so that a designer sees every such problem at once,
with the line to fix, before a process is deployed.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from service.i18n import N_, Text

from . import timer_text
from .juel import condition_source, dollar_body, juel_problem
from .parser import HandoffParser
from .problem_text import one_line, plain
from .refusal_words import refusal_text
from .sandbox_policy import refusals
from .validate_limits import MAX_CODE_CHARS

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
FORM_KEY = f"{{{CAMUNDA_NS}}}formKey"

# Flow nodes of the BPMN 2.0 schema (the flowElement substitution group without
# sequence flows and data elements); the parser must know each one it meets.
FLOW_NODES = (
    "adHocSubProcess", "boundaryEvent", "businessRuleTask", "callActivity", "callChoreography",
    "choreographyTask", "complexGateway", "endEvent", "event", "eventBasedGateway", "exclusiveGateway",
    "implicitThrowEvent", "inclusiveGateway", "intermediateCatchEvent", "intermediateThrowEvent",
    "manualTask", "parallelGateway", "receiveTask", "scriptTask", "sendTask", "serviceTask",
    "startEvent", "subChoreography", "subProcess", "task", "transaction", "userTask",
)
KNOWN_TAGS = frozenset(HandoffParser.PARSER_CLASSES) | frozenset(HandoffParser.OVERRIDE_PARSER_CLASSES)

SPLITS = ("startEvent", "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway")
NO_EXECUTABLE = N_('no executable process (set isExecutable="true")')
TIMER_KINDS = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, printed like a compiler error: ``FILE:LINE: element-id: message``.

    Whatever a caller passes, a problem prints as exactly one line with a line number (the
    file's first line when nothing nearer is known) and a message without Python reprs: a
    newline in an id or a file name, or an exception text, cannot split or garble it.
    A message given as a `Text` keeps it in ``text``: ``str(problem)`` and ``message`` are the
    English, `render` the reader's language (the designer page, the API); the engine knows no reader.
    """

    file: str
    line: int | None
    element_id: str
    message: str
    text: Text | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        line = self.line if isinstance(self.line, int) and not isinstance(self.line, bool) and self.line > 0 else 1
        object.__setattr__(self, "file", one_line(self.file) or "-")
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "element_id", one_line(self.element_id or "") or "-")
        if isinstance(self.message, Text):
            object.__setattr__(self, "text", self.message)
        object.__setattr__(self, "message", plain(self.message))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.element_id}: {self.message}"

    def message_in(self, locale: str | None) -> str:
        """The message as `locale` reads it (the English when it was given as plain text)."""
        if self.text is None or not locale or locale == "en":
            return self.message
        return plain(self.text.render(locale))

    def render(self, locale: str | None) -> str:
        """The problem's line in `locale`: the same file, line and element, the message translated."""
        return f"{self.file}:{self.line}: {self.element_id}: {self.message_in(locale)}"


def bpmn(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def camunda(element, name: str) -> str | None:
    return element.get(f"{{{CAMUNDA_NS}}}{name}")


@dataclass
class FileContext:
    """What the checks of one BPMN file share: its tree, the parsed forms, and their findings.

    ``forms`` maps a form key to its schema (None when the form is not valid JSON);
    ``covered`` holds (element id, start of SpiffWorkflow's message) for the problems its
    parser would report again in its own words.

    ``root`` is the document without its non-executable processes (``isExecutable="false"``,
    the documentation-only pools of a collaboration): nothing of them runs, so no check looks
    at them. ``document`` is the whole tree, for references into them (a message flow from a
    customer's pool); ``skipped`` holds their bpmn:process elements.
    """

    file: str
    root: Any
    forms: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    covered: set[tuple[str, str]] = field(default_factory=set)
    form_keys: set[str] = field(default_factory=set)
    blocks_parser: bool = False  # SpiffWorkflow cannot even load the file, for a reason reported
    document: Any = None
    skipped: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.document = self.root
        self.root, self.skipped = executable_part(self.root)

    def report(self, element, message: str | Text, element_id: str | None = None, line: int | None = None,
               covers: str = "", covered_id: str | None = None) -> None:
        element_id = element_id or element.get("id") or _nearest_id(element)
        self.problems.append(Problem(self.file, line or element.sourceline, element_id, message))
        if covers:
            self.covered.add((covered_id or element_id, covers))

    def iter(self, *locals_: str) -> Iterator:
        return self.root.iter(*(bpmn(name) for name in locals_))


def is_executable(process) -> bool:
    """As SpiffWorkflow reads it: a process runs unless it says ``isExecutable="false"``."""
    return process.get("isExecutable", "true") == "true"


def executable_part(root) -> tuple[Any, list]:
    """(a copy of the tree without its non-executable processes, those processes); the tree itself if none."""
    skipped = [child for child in root if child.tag == bpmn("process") and not is_executable(child)]
    if not skipped:
        return root, []
    pruned = copy.deepcopy(root)  # keeps every element's source line
    for child in list(pruned):
        if child.tag == bpmn("process") and not is_executable(child):
            pruned.remove(child)
    return pruned, skipped


def _nearest_id(element) -> str:
    while element is not None:
        if element.get("id"):
            return element.get("id")
        element = element.getparent()
    return "-"


def check_processes(ctx: FileContext) -> None:
    """A file whose processes cannot run deploys nothing; say so rather than accept it."""
    if ctx.skipped and not list(ctx.iter("process")):
        ctx.report(ctx.skipped[0], Text(NO_EXECUTABLE))
    elif not list(ctx.iter("process")):
        ctx.report(ctx.root, Text("no bpmn:process in this file"))


def check_unsupported(ctx: FileContext) -> None:
    """SpiffWorkflow only finds an unknown element when an instance reaches it, and runs some it knows
    differently from BPMN (`validate_unsupported`); name them all now, with what to draw instead."""
    from .validate_unsupported import check_nodes, unsupported_tag  # it builds on this module

    for process in ctx.iter("process"):
        for node in process.iter(*(bpmn(name) for name in FLOW_NODES)):
            if node.tag not in KNOWN_TAGS:
                unsupported_tag(ctx, node)
        check_nodes(ctx, process)


def check_user_tasks(ctx: FileContext) -> None:
    """A user task needs a lane (its candidate group) and an existing form, or nobody can do it."""
    lanes = {}
    for ref in ctx.iter("flowNodeRef"):
        if ref.text and ref.text.strip():
            lanes.setdefault(ref.text.strip(), ref.getparent())
    for task in ctx.iter("userTask"):
        _check_lane(ctx, task, lanes)
        key = (task.get(FORM_KEY) or "").strip()
        if not key:
            ctx.report(task, Text("user task has no form (camunda:formKey)"))
        else:
            _check_form(ctx, task, key)


def check_start_forms(ctx: FileContext) -> None:
    """A start event's form is what every start is checked against, and what a worker loads."""
    for event in ctx.iter("startEvent"):
        key = event.get(FORM_KEY)
        if key is not None:
            if not key.strip():
                ctx.report(event, Text("start event has an empty form (camunda:formKey)"))
            else:
                _check_form(ctx, event, key)


def _check_form(ctx: FileContext, element, key: str) -> None:
    if key.startswith(("embedded:", "camunda-forms:", "app:", "deployment:")):
        return  # a Camunda web form: `validate_camunda` says what to write instead
    if key not in ctx.forms:
        ctx.report(element, Text("form file '%(key)s' does not exist", key=key))
    else:
        ctx.form_keys.add(key)


def _check_lane(ctx: FileContext, task, lanes: dict) -> None:
    """A user task inherits the lane of the sub-process holding it, as SpiffWorkflow does.

    ``camunda:candidateGroups`` or ``camunda:assignee`` say who does the task instead of the lane.
    """
    if any((camunda(task, attr) or "").strip() for attr in ("candidateGroups", "assignee")):
        return
    node = task
    while node is not None and node.get("id") not in lanes:
        node = node.getparent()
    if node is None:
        ctx.report(task, Text("user task has no lane, camunda:candidateGroups or camunda:assignee: nobody would "
                              "be offered it"))
    elif not (lanes[node.get("id")].get("name") or "").strip():
        lane = lanes[node.get("id")]
        ctx.report(task, Text("lane %(lane)s has no name (the lane name is the candidate group)",
                              lane=lane.get("id") or "-"))


def check_service_tasks(ctx: FileContext) -> None:
    """Camunda attributes Handoff ignores would make a task silently do nothing."""
    for task in ctx.iter("serviceTask"):
        if camunda(task, "type") == "external" and not (camunda(task, "topic") or "").strip():
            ctx.report(task, Text("external service task has no topic (camunda:topic)"))
        for attr in ("class", "expression", "delegateExpression"):
            if camunda(task, attr):
                ctx.report(task, Text('camunda:%(attr)s is not run by Handoff; use camunda:type="external" with a '
                                      "camunda:topic", attr=attr))
    for task in ctx.iter("businessRuleTask"):
        if not camunda(task, "decisionRef"):
            ctx.report(task, Text("business rule task has no decision (camunda:decisionRef)"))
            ctx.blocks_parser = True  # its KeyError would hide the other processes' problems


TOO_LONG = "is too long to check"


def parse_python(text: str, mode: str = "eval") -> tuple[ast.AST | None, str | None, int]:
    """Parses as SpiffWorkflow runs it (eval() drops leading blanks); returns (tree, error, error line).

    Code longer than `MAX_CODE_CHARS` is not parsed: compiling it could take seconds (no shipped
    expression or script is over 250 characters).
    """
    source = text.lstrip(" \t") if mode == "eval" else text
    if len(source) > MAX_CODE_CHARS:
        return None, f"{TOO_LONG} ({len(source)} characters; at most {MAX_CODE_CHARS}): split it up", 1
    try:
        return ast.parse(source, mode=mode), None, 1
    except SyntaxError as exc:
        return None, exc.msg, exc.lineno or 1
    except (RecursionError, MemoryError):
        return None, "nested too deeply or too long to be parsed", 1
    except ValueError as exc:  # e.g. a NUL character
        return None, one_line(exc), 1


def _short(text: str, limit: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_python(ctx: FileContext) -> None:
    """Python is only compiled when an instance gets there; a typo should fail the deploy instead."""
    for flow in ctx.iter("sequenceFlow"):
        for cond in flow.iterchildren(bpmn("conditionExpression")):
            if cond.text and cond.text.strip():
                _compile(ctx, cond, cond.text, "eval", Text("condition %(text)s", text=repr(_short(cond.text))),
                         flow.get("id"))
    for task in ctx.iter("scriptTask"):
        if (task.get("scriptFormat") or "python").strip().lower() not in ("python", "python3", ""):
            continue  # Groovy, JavaScript...: `validate_camunda` says so once
        for script in task.iterchildren(bpmn("script")):
            _compile(ctx, script, script.text or "", "exec", Text("script"), task.get("id"))
    for param in ctx.root.iter(f"{{{CAMUNDA_NS}}}inputParameter"):
        if dollar_body(param.text) is not None:
            _compile(ctx, param, param.text, "eval", Text("parameter %(name)s expression", name=param.get("name")),
                     None)
    for prop, expression in _retrieval_expressions(ctx):
        if expression.text and expression.text.strip():
            _compile(ctx, expression, expression.text, "eval", Text("correlation property expression"), prop.get("id"))


def _compile(ctx: FileContext, element, text: str, mode: str, what: str | Text, element_id: str | None) -> None:
    """A ``${...}`` text is JUEL (translated as the parser does, `juel`) or, failing that, Python."""
    body = dollar_body(text) if mode == "eval" else None
    if body is not None:
        juel_error = juel_problem(body)
        if juel_error is not None:
            ctx.report(element, Text("%(what)s is neither JUEL nor Python: %(error)s", what=what, error=juel_error),
                       element_id=element_id)
        return
    tree, error, line = parse_python(text, mode)
    if tree is not None:
        try:
            compile(tree, "<bpmn>", mode)
        except (SyntaxError, ValueError, RecursionError) as exc:
            error, line = getattr(exc, "msg", None) or str(exc), getattr(exc, "lineno", None) or 1
    if error is None:
        return
    message = (Text("%(what)s %(error)s", what=what, error=error) if error.startswith(TOO_LONG)
               else Text("%(what)s is not valid Python: %(error)s", what=what, error=error))
    ctx.report(element, message, element_id=element_id, line=(element.sourceline or 1) + line - 1)


USER_TASK_EXPRESSIONS = ("dueDate", "followUpDate", "candidateGroups", "candidateUsers", "assignee")


def check_sandbox(ctx: FileContext) -> None:
    """Designer Python runs in the sandbox (`sandbox_policy`); what it would refuse fails the deploy."""
    for flow in ctx.iter("sequenceFlow"):
        for cond in flow.iterchildren(bpmn("conditionExpression")):
            _sandboxed(ctx, cond, condition_source(cond.text), "eval",
                       Text("condition %(text)s", text=repr(_short(cond.text or ""))),
                       flow.get("id"))
    for task in ctx.iter("scriptTask"):
        for script in task.iterchildren(bpmn("script")):
            _sandboxed(ctx, script, script.text, "exec", Text("script"), task.get("id"))
    for param in ctx.root.iter(f"{{{CAMUNDA_NS}}}inputParameter"):
        if dollar_body(param.text) is not None:
            _sandboxed(ctx, param, condition_source(param.text), "eval",
                       Text("parameter %(name)s expression", name=param.get("name")), None)
    for prop, expression in _retrieval_expressions(ctx):  # evaluated on each message that carries the property
        _sandboxed(ctx, expression, expression.text, "eval", Text("correlation property expression"),
                   prop.get("id"))
    for task in ctx.iter("userTask"):
        for attr in USER_TASK_EXPRESSIONS:
            if dollar_body(camunda(task, attr)) is not None:
                _sandboxed(ctx, task, condition_source(camunda(task, attr)), "eval",
                           Text("camunda:%(attr)s expression", attr=attr),
                           task.get("id"))
    for definition in ctx.iter("timerEventDefinition"):
        event = definition.getparent()
        for child in definition.iterchildren(*(bpmn(kind) for kind in TIMER_KINDS)):
            _sandboxed(ctx, child, timer_text.timer_source(child.text), "eval", Text("timer expression"),
                       (event.get("id") if event is not None else None) or _nearest_id(definition))


def _retrieval_expressions(ctx: FileContext):
    """(correlationProperty, expression) pairs: Python the engine runs on every message that carries the property.

    The schema names the element ``messagePath``; Camunda Modeler writes ``formalExpression``, which loading renames.
    """
    for prop in ctx.iter("correlationProperty"):
        for retrieval in prop.iterchildren(bpmn("correlationPropertyRetrievalExpression")):
            for expression in retrieval.iterchildren(bpmn("messagePath"), bpmn("formalExpression")):
                yield prop, expression


def _sandboxed(ctx: FileContext, element, text: str | None, mode: str, what: str | Text,
               element_id: str | None) -> None:
    if not text or not text.strip() or parse_python(text, mode)[0] is None:
        return  # empty or not Python: check_python and check_timers say so
    for refusal in refusals(text, mode):
        ctx.report(element, Text("%(what)s: %(reason)s", what=what, reason=refusal_text(refusal.message)),
                   element_id=element_id, line=(element.sourceline or 1) + refusal.line - 1)


def check_flows(ctx: FileContext) -> None:
    """A flow to nowhere fails SpiffWorkflow's parse with a misleading message; name the flow instead."""
    for process in ctx.iter("process"):
        ids = {node.get("id"): node for node in process.iter(etree.Element) if node.get("id")}
        for flow in process.iter(bpmn("sequenceFlow")):
            for attr, verb in (("sourceRef", Text("starts at")), ("targetRef", Text("ends at"))):
                ref = flow.get(attr)
                node = ids.get(ref)
                if not ref:  # a missing attribute is the schema's to report
                    continue
                if node is None:
                    ctx.report(flow, Text("flow %(verb)s %(ref)s, which is not in this process", verb=verb, ref=ref),
                               covers="When looking for a task spec", covered_id=flow.get("sourceRef"))
                elif etree.QName(node).localname not in FLOW_NODES or etree.QName(node).namespace != BPMN_NS:
                    ctx.report(flow, Text("flow %(verb)s %(ref)s, a %(tag)s, not a flow node", verb=verb, ref=ref,
                                          tag=etree.QName(node).localname),
                               covers="There is no support", covered_id=ref)
