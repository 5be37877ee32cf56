"""Validation of BPMN and DMN files before they are deployed: every problem, with its line.

SpiffWorkflow raises at the first error it meets, often without a line, and accepts
diagrams that only fail once an instance runs. `validate_files` reports all it can
find - XML syntax, the BPMN schema, Handoff's modelling conventions (see `parser`),
the forms, timers, conditions - then runs the real parser, and never raises: a
deploy endpoint or a CLI can print the problems as they are.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH, BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from . import form_patterns
from .bundle import BPMN_SUFFIXES, DMN_SUFFIX, FORMS_PREFIX, new_parser
from .validate_checks import (
    BPMN_NS,
    FileContext,
    Problem,
    check_flows,
    check_processes,
    check_python,
    check_sandbox,
    check_service_tasks,
    check_start_forms,
    check_timers,
    check_unsupported,
    check_user_task_values,
    check_user_tasks,
    one_line,
)
from .validate_dmn import decision_problems
from .validate_gateways import check_gateways
from .validate_messages import check_messages

__all__ = ["Problem", "validate", "validate_files"]

PREFIXES = {
    BPMN_NS: "bpmn",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    **{uri: "dmn" for uri in DMN_SCHEMAS},
}
_SCHEMA_LOCK = threading.Lock()  # an lxml schema keeps its error log on itself


def validate(paths: Iterable[str | os.PathLike], forms_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Reads the files and their forms (default: the ``forms/`` folder beside the BPMN folder)."""
    try:
        return _validate(paths, forms_dir)
    except Exception as exc:  # e.g. paths that are not paths: still an answer, not a crash
        return [Problem("-", None, "-", one_line(f"the validator failed: {exc!r}"))]


def _validate(paths, forms_dir) -> list[Problem]:
    if isinstance(paths, (str, os.PathLike)):  # one path, not a string of one-letter paths
        paths = [paths]
    groups: dict[str, list] = {}
    for path in paths:
        folder = forms_dir if forms_dir is not None else Path(path).parent.parent / "forms"
        groups.setdefault(os.fspath(folder), []).append(path)
    problems: list[Problem] = []
    for folder, group in groups.items():
        files: dict[str, str] = {}
        for path in _with_sibling_decisions(group):
            text, problem = _read_source(path)
            if problem is not None:
                problems.append(problem)
            else:
                files[str(path)] = text
        forms, unreadable = _read_forms(Path(folder))
        problems += unreadable
        problems += validate_files(files, forms, forms_root=folder)
    return _sorted(problems)


def _with_sibling_decisions(paths: list) -> list:
    """A diagram's business rule tasks name decision tables kept beside it: check them together."""
    given = {os.path.abspath(p) for p in paths}
    extra = []
    for folder in {Path(p).parent for p in paths}:
        extra += [d for d in sorted(folder.glob(f"*{DMN_SUFFIX}")) if os.path.abspath(d) not in given]
    return list(paths) + extra


def _read_source(path) -> tuple[str, Problem | None]:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except (OSError, TypeError, ValueError) as exc:
        return "", Problem(name, None, "-", one_line(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}"))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return "", Problem(name, line, "-", f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")


def _read_forms(folder: Path) -> tuple[dict[str, str], list[Problem]]:
    forms, problems = {}, []
    if not folder.is_dir():
        return forms, problems
    for path in sorted(folder.rglob("*.json")):
        text, problem = _read_source(path) if path.is_file() else ("", None)
        if problem is not None:
            problems.append(problem)
        elif path.is_file():
            forms[path.relative_to(folder).as_posix()] = text
    return forms, problems


def validate_files(files: dict[str, str], forms: dict[str, str] | None = None, *,
                   forms_root: str = "forms") -> list[Problem]:
    """Validates in-memory files keyed by relative path; forms are keyed by form key.

    Without ``forms``, the ``forms/...`` entries of ``files`` are the forms (as `bundle.read_tree`
    returns them). ``forms_root`` names the forms folder in the problems about a form.
    """
    try:
        return _validate_files(files, forms, forms_root)
    except Exception as exc:  # a bug here must not turn a deploy's answer into a 500
        return [Problem("-", None, "-", one_line(f"the validator failed: {exc!r}"))]


def _validate_files(files: dict[str, str], forms: dict[str, str] | None, forms_root: str) -> list[Problem]:
    if forms is None:
        forms = {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}
    schemas, form_problems = _load_forms(forms, forms_root)
    problems: list[Problem] = []
    clean: dict[str, str] = {}
    docs: dict[str, object] = {}
    covered: set[tuple[str, str, str]] = set()
    used_forms: set[str] = set()
    for path, text in sorted(files.items()):
        if path.startswith(FORMS_PREFIX) and path.endswith(".json"):
            continue
        root, structural = _load_document(path, text)
        problems += structural
        if root is None:
            continue
        docs[path] = root
        if path.endswith(DMN_SUFFIX):
            problems += decision_problems(path, root)
        else:
            ctx = FileContext(path, root, schemas)
            run_checks(ctx)
            problems += ctx.problems
            covered |= {(path, element_id, start) for element_id, start in ctx.covered}
            used_forms |= ctx.form_keys
            if ctx.blocks_parser:
                continue
        if not structural:
            clean[path] = text
    for key in sorted(used_forms):
        problems += form_problems.get(key, [])
    for problem in _spiff_problems(clean, docs):
        if not any(problem.file == file and problem.element_id == element_id and problem.message.startswith(start)
                   for file, element_id, start in covered):
            problems.append(problem)
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line or 0))


def _load_forms(forms: dict[str, str], root: str) -> tuple[dict[str, object], dict[str, list[Problem]]]:
    """Parses each form once: its schema (None when unusable) and the problems to report if it is used."""
    schemas: dict[str, object] = {}
    problems: dict[str, list[Problem]] = {}
    for key, text in forms.items():
        path = posixpath.join(root, key)
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as exc:
            schemas[key], problems[key] = None, [Problem(path, exc.lineno, "-", f"invalid JSON: {exc.msg}")]
            continue
        except Exception as exc:  # e.g. a RecursionError on absurd nesting
            schemas[key], problems[key] = None, [Problem(path, None, "-", f"invalid JSON: {exc!r}")]
            continue
        depth = nesting_depth(schema)
        if depth > MAX_FORM_DEPTH:
            schemas[key], problems[key] = None, [Problem(path, None, "-", f"nested {depth} levels deep "
                                                         f"(at most {MAX_FORM_DEPTH})")]
            continue
        schemas[key] = schema
        problems[key] = pattern_problems(path, text, schema)
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as exc:
            if getattr(exc, "validator", None) == "format" and any(
                    repr(getattr(exc, "instance", None)) in problem.message for problem in problems[key]):
                continue  # an invalid pattern, already said with its line
            where = getattr(exc, "json_path", "$")
            message = getattr(exc, "message", None) or repr(exc)
            problems[key].append(Problem(path, None, "-", one_line(f"not a valid JSON Schema: {message} (at {where})")))
    return schemas, problems


def pattern_problems(path: str, text: str, schema) -> list[Problem]:
    """A ``pattern`` that is not a regular expression, or that would hold a worker backtracking (`form_patterns`)."""
    found = []
    for pattern in dict.fromkeys(form_patterns.patterns_in(schema)):
        reason = form_patterns.problem_with(pattern)
        if reason:
            found.append(Problem(path, form_patterns.line_of(text, pattern), "-", one_line(reason)))
    return found
MAX_FORM_DEPTH = 32  # objects and arrays inside each other; the shipped forms need 9


def nesting_depth(value) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _load_document(path: str, text: str) -> tuple[object | None, list[Problem]]:
    """Parses one file; the problems returned make the file unfit for SpiffWorkflow's parser."""
    if not path.endswith((*BPMN_SUFFIXES, DMN_SUFFIX)):
        return None, [Problem(path, None, "-", "not a BPMN or DMN file (.bpmn, .bpmn20.xml or .dmn)")]
    try:
        data = text.encode("utf-8")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = re.sub(r", line \d+, column (\d+)$", r" (column \1)", exc.msg or str(exc))
        return None, [Problem(path, exc.lineno or None, "-", one_line(f"XML syntax error: {message}"))]
    except Exception as exc:
        return None, [Problem(path, None, "-", one_line(f"cannot parse the file: {exc}"))]
    if root is None:
        return None, [Problem(path, None, "-", "XML syntax error: no root element")]
    if path.endswith(DMN_SUFFIX):
        schema = DMN_SCHEMAS.get(etree.QName(root).namespace or "")
        if etree.QName(root).localname != "definitions" or schema is None:
            return None, [Problem(path, root.sourceline, "-", f"not a DMN file: the root element is {_tag(root)}")]
    else:
        schema = XSD_PATH
        if root.tag != f"{{{BPMN_NS}}}definitions":
            return None, [Problem(path, root.sourceline, "-",
                                  f"not a BPMN file: the root element is {_tag(root)}, not bpmn:definitions")]
    try:
        return root, _schema_problems(path, root, schema)
    except Exception as exc:
        return root, [Problem(path, None, "-", one_line(f"schema validation failed: {exc!r}"))]


def _tag(element) -> str:
    return _readable(f"<{element.tag}>") if isinstance(element.tag, str) else "not an element"


def _readable(message: str) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask`` reads ``bpmn:userTask``."""
    for uri, prefix in PREFIXES.items():
        message = message.replace(f"{{{uri}}}", f"{prefix}:")
    return one_line(message)


@cache
def _schema_validator(xsd_path: str) -> BpmnValidator:
    return BpmnValidator(xsd_path)


def _schema_problems(path: str, root, xsd_path: str) -> list[Problem]:
    """Every schema error lxml logs, at its line, with the id of the element there."""
    with _SCHEMA_LOCK:
        validator = _schema_validator(xsd_path)
        validator.preprocess(root)
        if validator.validator.validate(root):
            return []
        errors = [(error.line, error.message) for error in validator.validator.error_log]
    by_line: dict[int, list] = {}
    for element in root.iter(etree.Element):
        by_line.setdefault(element.sourceline, []).append(element)
    problems = []
    for line, message in errors:
        problems.append(Problem(path, line or None, _id_at(by_line.get(line, [])), _readable(message)))
    return problems


def _id_at(elements: list) -> str:
    """The id of an element on the line, else of the nearest ancestor with one."""
    for element in elements:
        if element.get("id"):
            return element.get("id")
    node = elements[0].getparent() if elements else None
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node.get("id") if node is not None else "-"


def _spiff_problems(files: dict[str, str], docs: dict[str, object]) -> list[Problem]:
    """Runs SpiffWorkflow's parser, as a deploy will, on the files that passed XML and schema checks."""
    if not files:
        return []
    parser, problems = _build_parser(files, docs)
    for process_id in sorted(parser.get_process_ids()):
        default = parser.process_parsers[process_id].filename
        try:
            parser.get_subprocess_specs(process_id)  # parses the process itself first
        except Exception as exc:
            problems.append(_from_exception(exc, default, docs))
    for _, dmn_parser in sorted(parser.dmn_parsers.items(), key=lambda item: str(item[0])):
        try:
            dmn_parser.parse()
        except Exception as exc:
            problems.append(_from_exception(exc, dmn_parser.filename, docs))
    return problems


def _build_parser(files: dict[str, str], docs: dict[str, object]):
    """`new_parser` fails on the first bad file; find that file, report it and go on without it."""
    remaining, problems = dict(files), []
    while remaining:
        try:
            return new_parser(remaining), problems
        except Exception as exc:
            culprit, error = _culprit(remaining, exc)
            problems.append(_from_exception(error, culprit, docs))
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


def _from_exception(exc: Exception, default_file: str | None, docs: dict[str, object]) -> Problem:
    """A SpiffWorkflow ValidationException names file and element; the line comes from our tree."""
    file = getattr(exc, "file_name", "") or default_file or "-"
    element_id = str(getattr(exc, "id", "") or "-")
    line = getattr(exc, "line_number", None)
    if not isinstance(line, int) or line <= 0:
        line = _line_of(docs.get(file), element_id)
    if exc.args and hasattr(exc, "notes"):
        message = str(exc.args[0]) + "".join(f". {note}" for note in exc.notes)
        tag = getattr(exc, "tag", "")
        message = f"{message} ({_readable(tag)})" if tag else message
    else:
        message = f"{type(exc).__name__}: {exc}"
    return Problem(file, line, element_id, _readable(message))


def _line_of(root, element_id: str) -> int | None:
    if root is None or element_id == "-":
        return None
    for element in root.iter(etree.Element):
        if element.get("id") == element_id:
            return element.sourceline
    return None


def run_checks(ctx: FileContext) -> None:
    """Runs every check; a check that trips over a strange document becomes a problem, not a crash."""
    for check in CHECKS:
        try:
            check(ctx)
        except Exception as exc:  # the validator must never raise
            ctx.problems.append(Problem(ctx.file, None, "-", one_line(f"{check.__name__} could not finish: {exc!r}")))



CHECKS = (check_processes, check_unsupported, check_user_tasks, check_start_forms, check_service_tasks, check_python,
          check_sandbox, check_timers, check_user_task_values, check_flows, check_gateways, check_messages)
