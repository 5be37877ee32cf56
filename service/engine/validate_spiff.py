"""SpiffWorkflow's own parse of the files that passed our checks, its errors as designers read them.

The parser raises at the first error of a file, with its own developers' words and often
without a line; each error here becomes one `Problem` at the element's line, in the words of
`problem_text`. The raw text is kept beside it: the checks of `validate_checks` register
("covers") the SpiffWorkflow messages they already reported better.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from service.i18n import Text

from .bundle import new_parser
from .problem_text import BPMN_NS, known_text, spiff_message, unexpected
from .validate_checks import Problem

log = logging.getLogger(__name__)
_WRAPPED = re.compile(r"^\s*(?P<kind>[A-Z]\w*(?:Error|Exception))\(")  # TaskParser wraps any error as "%r"


def spiff_problems(files: dict[str, str], docs: dict[str, object]) -> list[tuple[Problem, str]]:
    """Runs SpiffWorkflow's parser, as a deploy will: (problem, SpiffWorkflow's raw text) for each error."""
    if not files:
        return []
    parser, problems = _build_parser(files, docs)
    for process_id in sorted(parser.get_process_ids()):  # the executable ones only
        process_parser = parser.process_parsers[process_id]
        try:
            parser.get_subprocess_specs(process_id)  # parses the process itself first
        except Exception as exc:
            problems.append(from_exception(exc, process_parser.filename, docs, process_id))
    for _, dmn_parser in sorted(parser.dmn_parsers.items(), key=lambda item: str(item[0])):
        try:
            dmn_parser.parse()
        except Exception as exc:
            problems.append(from_exception(exc, dmn_parser.filename, docs, None))
    return problems


def _build_parser(files: dict[str, str], docs: dict[str, object]):
    """`new_parser` fails on the first bad file; find that file, report it and go on without it."""
    remaining, problems = dict(files), []
    while remaining:
        try:
            return new_parser(remaining), problems
        except Exception as exc:
            culprit, error = _culprit(remaining, exc)
            problems.append(from_exception(error, culprit, docs, None))
            del remaining[culprit]
    return new_parser({}), problems


def _culprit(files: dict[str, str], error: Exception) -> tuple[str, Exception]:
    paths = sorted(files)
    for count in range(1, len(paths) + 1):
        try:
            new_parser({path: files[path] for path in paths[:count]})
        except Exception as exc:
            return paths[count - 1], exc
    return paths[-1], error


def from_exception(exc: Exception, default_file: str | None, docs: dict[str, object],
                   default_id: str | None) -> tuple[Problem, str]:
    """A SpiffWorkflow ValidationException names file and element; the line comes from our tree."""
    file = getattr(exc, "file_name", "") or default_file or "-"
    root = docs.get(file)
    element_id = str(getattr(exc, "id", "") or "") or default_id or _first_id(root)
    line = getattr(exc, "line_number", None)
    if not isinstance(line, int) or line <= 0:
        line = line_of(root, element_id)
    raw = str(exc.args[0]) if exc.args else ""
    if hasattr(exc, "notes") and exc.notes:
        raw += "".join(f". {note}" for note in exc.notes)
    if not hasattr(exc, "file_name") or (_WRAPPED.match(raw) and not known_text(raw)):
        log.info("SpiffWorkflow's parser failed on %s (%s)", file, element_id, exc_info=exc)
        return Problem(file, line, element_id, _wrapped(exc, raw)), raw
    ref, ref_line = _unresolved_association(root, element_id, raw)
    located = None if getattr(exc, "id", "") else _locate(root, raw)
    if located is not None:  # SpiffWorkflow named no element: the one its message is about
        element_id, line = located.get("id") or element_id, located.sourceline or line
    return Problem(file, ref_line or line, element_id, spiff_message(raw, ref)), raw


_LOCATORS = (  # SpiffWorkflow's message without a node -> (element, attribute, the value in the message)
    (re.compile(r"The process '(?P<value>[^']*)' was not found"), "callActivity", "calledElement"),
    (re.compile(r"Data Store with name (?P<value>.*) has no implementation"), "dataStore", "name"),
    (re.compile(r"Data Store (?:identifier|name) is missing"), "dataStore", None),
    (re.compile(r"(?P<kind>Message|Signal|Error|Escalation|Correlation) identifier is missing"), None, "id"),
)


def _locate(root, raw: str):
    """The element a node-less SpiffWorkflow message is about, found in our own tree (None if not found)."""
    if root is None:
        return None
    for pattern, local, attribute in _LOCATORS:
        found = pattern.search(raw)
        if not found:
            continue
        local = local or found.group("kind").lower().replace("correlation", "correlationProperty")
        for element in root.iter(f"{{{BPMN_NS}}}{local}"):
            value = found.groupdict().get("value")
            if attribute is None or (value is not None and element.get(attribute) == value) \
                    or (value is None and element.get(attribute) is None):
                return element
    return None


def _wrapped(exc: Exception, raw: str) -> str | Text:
    kind = _WRAPPED.match(raw).group("kind") if _WRAPPED.match(raw) else type(exc).__name__
    if kind == "RecursionError" or isinstance(exc, RecursionError):
        return unexpected(RecursionError(), "this element")
    if kind == "MemoryError" or isinstance(exc, MemoryError):
        return unexpected(MemoryError(), "this element")
    return unexpected(exc, "this element")


def _unresolved_association(root, element_id: str, raw: str) -> tuple[str | None, int | None]:
    """The data object reference a data association names but the process lacks, and its line."""
    direction = ("dataInputAssociation", "sourceRef") if "dataInputAssociation" in raw else \
        ("dataOutputAssociation", "targetRef") if "dataOutputAssociation" in raw else None
    element = _element(root, element_id)
    if direction is None or element is None:
        return None, None
    known = {node.get("id") for node in root.iter(etree.Element)
             if etree.QName(node).localname in ("dataObjectReference", "dataStoreReference")}
    for association in element:
        if isinstance(association.tag, str) and etree.QName(association).localname == direction[0]:
            for ref in association:
                if isinstance(ref.tag, str) and etree.QName(ref).localname == direction[1] \
                        and (ref.text or "").strip() not in known:
                    return (ref.text or "").strip() or "an empty reference", ref.sourceline
    return None, None


def _element(root, element_id: str | None):
    if root is None or not element_id:
        return None
    for element in root.iter(etree.Element):
        if element.get("id") == element_id:
            return element
    return None


def line_of(root, element_id: str | None) -> int | None:
    element = _element(root, element_id)
    if element is not None:
        return element.sourceline
    return root.sourceline if root is not None else None


def _first_id(root) -> str:
    return (root.get("id") if root is not None else None) or "-"
