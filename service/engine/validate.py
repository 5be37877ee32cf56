"""Validation of BPMN and DMN files before they are deployed: every problem, with its line.

SpiffWorkflow raises at the first error it meets, often without a line, and accepts
diagrams that only fail once an instance runs. `validate_files` reports all it can
find - XML syntax, the BPMN schema, Handoff's modelling conventions (see `parser`),
the forms, timers, conditions - then runs the real parser, and never raises: a
deploy endpoint or a CLI can print the problems as they are.
"""

from __future__ import annotations

import json
import logging
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

from service.i18n import Text

from . import form_patterns
from .bundle import BPMN_SUFFIXES, DMN_SUFFIX, FORMS_PREFIX, decision_files, project_folders
from .problem_text import readable_tags, unexpected
from .translations import LOCALES, catalog_of, is_translation
from .validate_camunda import check_camunda
from .validate_checks import (
    BPMN_NS,
    NO_EXECUTABLE,
    FileContext,
    Problem,
    check_flows,
    check_processes,
    check_python,
    check_sandbox,
    check_service_tasks,
    check_start_forms,
    check_unsupported,
    check_user_tasks,
    one_line,
)
from .validate_dmn import decision_problems
from .validate_gateways import check_gateways
from .validate_limits import (
    MAX_CODE_TOTAL,
    MAX_ELEMENTS,
    code_chars,
    elements,
    file_too_large,
    over_budget,
    over_code_budget,
)
from .validate_messages import check_messages
from .validate_shows import shows_problems
from .validate_spiff import spiff_problems
from .validate_translations import check_diagram, check_form
from .validate_values import check_timers, check_user_task_values

__all__ = ["Problem", "validate", "validate_files", "validate_with_warnings"]

log = logging.getLogger(__name__)
DOCTYPE = Text("DOCTYPE and entities are not allowed")
_DOCTYPE = re.compile(r"<!(?:DOCTYPE|ENTITY)\b")
_SCHEMA_LOCK = threading.Lock()  # an lxml schema keeps its error log on itself


def validate(paths: Iterable[str | os.PathLike], forms_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Reads the files and their forms (default: the ``forms/`` folder beside the BPMN folder)."""
    try:
        return _validate(paths, forms_dir)
    except Exception as exc:  # e.g. paths that are not paths: still an answer, not a crash
        log.exception("the validator failed")
        return [Problem("-", None, "-", unexpected(exc, "these files"))]


def _validate(paths, forms_dir) -> list[Problem]:
    if isinstance(paths, (str, os.PathLike)):  # one path, not a string of one-letter paths
        paths = [paths]
    groups: dict[tuple[str, str], list] = {}
    for path in paths:
        bpmn_root, default_forms = project_folders(Path(path))
        folder = forms_dir if forms_dir is not None else default_forms
        groups.setdefault((os.fspath(folder), os.fspath(bpmn_root)), []).append(path)
    problems: list[Problem] = []
    for (folder, bpmn_root), group in groups.items():
        files: dict[str, str] = {}
        for path in _with_translations(_with_decisions(group, Path(bpmn_root))):
            text, problem = _read_source(path)
            if problem is not None:
                problems.append(problem)
            else:
                files[str(path)] = text
        forms, unreadable = _read_forms(Path(folder))
        problems += unreadable
        problems += validate_files(files, forms, forms_root=folder)
    return _sorted(problems)


def _with_decisions(paths: list, bpmn_root: Path) -> list:
    """A diagram's business rule tasks name decision tables of its project: check them together.

    The DMN files are those a deploy of the project would send (`bundle.decision_files`); a
    diagram outside a ``bpmn/`` folder is checked with the DMN files beside it.
    """
    given = {os.path.abspath(p) for p in paths}
    found = decision_files(bpmn_root) if bpmn_root.name == "bpmn" else sorted(bpmn_root.glob(f"*{DMN_SUFFIX}"))
    return list(paths) + [d for d in found if os.path.abspath(d) not in given]


def _with_translations(paths: list) -> list:
    """A diagram is checked with its translation files beside it (``x.zh-CN.json``)."""
    found = []
    for path in paths:
        stem = str(path)[: -len(".bpmn20.xml")] if str(path).endswith(".bpmn20.xml") else str(path).rsplit(".", 1)[0]
        found += [Path(f"{stem}.{loc}.json") for loc in LOCALES if str(path).endswith(BPMN_SUFFIXES)
                  and Path(f"{stem}.{loc}.json").is_file()]
    return list(paths) + found


def _read_source(path) -> tuple[str, Problem | None]:
    name = str(path)
    try:
        too_large = file_too_large(Path(path).stat().st_size)
        if too_large:
            return "", Problem(name, None, "-", too_large)
        raw = Path(path).read_bytes()
    except (OSError, TypeError, ValueError) as exc:
        return "", Problem(name, None, "-", Text("cannot read the file: %(reason)s",
                                                   reason=one_line(getattr(exc, "strerror", None) or exc)))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = format(raw[exc.start], "#04x")
        return "", Problem(name, line, "-", Text("not UTF-8 text (byte %(byte)s)", byte=byte))


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
    return validate_with_warnings(files, forms, forms_root=forms_root)[0]


def validate_with_warnings(files: dict[str, str], forms: dict[str, str] | None = None, *,
                           forms_root: str = "forms") -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): warnings (a word not translated yet) never stop a deploy."""
    try:
        return _validate_files(files, forms, forms_root)
    except Exception as exc:  # a bug here must not turn a deploy's answer into a 500
        log.exception("the validator failed")
        return [Problem(min(files, default="-"), None, "-", unexpected(exc, "these files"))], []


def _validate_files(files: dict[str, str], forms: dict[str, str] | None,
                    forms_root: str) -> tuple[list[Problem], list[Problem]]:
    if forms is None:
        forms = {p[len(FORMS_PREFIX):]: t for p, t in files.items() if p.startswith(FORMS_PREFIX)}
    all_forms = forms
    forms = {key: text for key, text in forms.items() if not is_translation(key)}
    schemas, form_problems = _load_forms(forms, forms_root)
    problems: list[Problem] = []
    clean: dict[str, str] = {}
    docs: dict[str, object] = {}
    covered: set[tuple[str, str, str]] = set()
    used_forms: set[str] = set()
    runnable: set[str] = set()  # files with an executable process
    checked = coded = 0  # elements and characters of code so far (`validate_limits`)
    for path, text in sorted(files.items()):
        if (path.startswith(FORMS_PREFIX) and path.endswith(".json")) or is_translation(path):
            continue
        root, structural = _load_document(path, text)
        problems += structural
        if root is None:
            continue
        count, code = elements(root), code_chars(root)
        checked, coded = checked + count, coded + code
        if checked > MAX_ELEMENTS or coded > MAX_CODE_TOTAL:
            reason = over_budget(count, checked) if checked > MAX_ELEMENTS else over_code_budget(code, coded)
            problems.append(Problem(path, root.sourceline, root.get("id") or "-", reason))
            continue
        docs[path] = root
        if path.endswith(DMN_SUFFIX):
            problems += decision_problems(path, root)
        else:
            ctx = FileContext(path, root, schemas)
            run_checks(ctx)
            if next(ctx.iter("process"), None) is not None:
                runnable.add(path)
            problems += ctx.problems
            covered |= {(path, element_id, start) for element_id, start in ctx.covered}
            used_forms |= ctx.form_keys
            if ctx.blocks_parser:
                continue
        if not structural:
            clean[path] = text
    if runnable:  # a file of documentation-only pools among files that run is skipped, not refused
        problems = [p for p in problems if p.message != NO_EXECUTABLE or p.file in runnable]
    for key in sorted(used_forms):
        problems += form_problems.get(key, [])
    problems += shows_problems(docs, schemas)  # after the loop: a key may be another file's (a called process)
    for problem, raw in spiff_problems(clean, docs):
        if not any(problem.file == file and problem.element_id == element_id and raw.startswith(start)
                   for file, element_id, start in covered):
            problems.append(problem)
    wrong, warnings = _translation_findings(files, docs, all_forms, schemas, used_forms, forms_root)
    return _sorted(problems + wrong), _sorted(warnings)


def _translation_findings(files, docs, forms, schemas, used_forms, forms_root) -> tuple[list, list]:
    """The translation files' problems and the words still untranslated (see `validate_translations`)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path, root in docs.items():
        if not path.endswith(DMN_SUFFIX):
            wrong, missing = check_diagram(path, root, files)
            problems, warnings = problems + wrong, warnings + missing
    for path in files:
        found = catalog_of(path)
        if found and not path.startswith(FORMS_PREFIX) and not any(
                f"{found[0]}{suffix}" in files for suffix in BPMN_SUFFIXES):
            problems.append(Problem(path, 1, "-", Text("translates no diagram: name it after one "
                                                           "(x.bpmn -> x.zh-CN.json)")))
    for key in sorted(used_forms):
        wrong, missing = check_form(key, schemas.get(key), forms, forms_root)
        problems, warnings = problems + wrong, warnings + missing
    for key in forms:
        found = catalog_of(key)
        if found and f"{found[0]}.json" not in forms:
            problems.append(Problem(posixpath.join(forms_root, key), 1, "-",
                                    Text("translates no form: name it after one (x.json -> x.zh-CN.json)")))
    return problems, warnings


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line or 0))


def _load_forms(forms: dict[str, str], root: str) -> tuple[dict[str, object], dict[str, list[Problem]]]:
    """Parses each form once: its schema (None when unusable) and the problems to report if it is used."""
    schemas: dict[str, object] = {}
    problems: dict[str, list[Problem]] = {}
    for key, text in forms.items():
        path = posixpath.join(root, key)
        too_large = file_too_large(len(text))
        if too_large:
            schemas[key], problems[key] = None, [Problem(path, None, "-", too_large)]
            continue
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as exc:
            schemas[key], problems[key] = None, [
                Problem(path, exc.lineno, "-", Text("invalid JSON: %(reason)s", reason=exc.msg))]
            continue
        except Exception as exc:  # e.g. a RecursionError on absurd nesting
            reason = Text("nested too deeply to be read") if isinstance(exc, RecursionError) else unexpected(exc, "it")
            schemas[key], problems[key] = None, [
                Problem(path, None, "-", Text("invalid JSON: %(reason)s", reason=reason))]
            continue
        depth = nesting_depth(schema)
        if depth > MAX_FORM_DEPTH:
            schemas[key], problems[key] = None, [Problem(path, None, "-", Text(
                "nested %(depth)s levels deep (at most %(most)s)", depth=depth, most=MAX_FORM_DEPTH))]
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
            message = getattr(exc, "message", None) or unexpected(exc, "it")
            problems[key].append(Problem(path, json_line(text, getattr(exc, "path", ())), "-",
                                         Text("not a valid JSON Schema: %(reason)s (at %(where)s)",
                                              reason=one_line(message), where=where)))
    return schemas, problems


def pattern_problems(path: str, text: str, schema) -> list[Problem]:
    """A ``pattern`` that is not a regular expression, or that would hold a worker backtracking (`form_patterns`)."""
    found = []
    for pattern in dict.fromkeys(form_patterns.patterns_in(schema)):
        reason = form_patterns.pattern_problem(pattern)
        if reason:
            found.append(Problem(path, form_patterns.line_of(text, pattern), "-", reason))
    return found
MAX_FORM_DEPTH = 32  # objects and arrays inside each other; the shipped forms need 9


def json_line(text: str, path) -> int:
    """The line of the value at ``path`` (keys and indexes) in a JSON text, as near as its keys tell."""
    position = 0
    for key in path:
        if isinstance(key, str):
            found = text.find(json.dumps(key), position)
            if found < 0:
                break
            position = found
    return text.count("\n", 0, position) + 1


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
        return None, [Problem(path, None, "-", Text("not a BPMN or DMN file (.bpmn, .bpmn20.xml or .dmn)"))]
    too_large = file_too_large(len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass")))
    if too_large:
        return None, [Problem(path, None, "-", too_large)]
    doctype = _DOCTYPE.search(text)
    try:
        data = text.encode("utf-8")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if doctype:  # the first thing to remove; with it, the rest may read differently
            return None, [Problem(path, text.count("\n", 0, doctype.start()) + 1, "-", DOCTYPE)]
        message = re.sub(r", line \d+, column (\d+)$", r" (column \1)", exc.msg or str(exc))
        return None, [Problem(path, exc.lineno or None, "-",
                              Text("XML syntax error: %(reason)s", reason=one_line(message)))]
    except Exception as exc:
        log.exception("lxml could not read %s", path)
        return None, [Problem(path, None, "-", unexpected(exc, "this file"))]
    if root is None:
        return None, [Problem(path, None, "-", Text("XML syntax error: no root element"))]
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or doctype:
        line = text.count("\n", 0, doctype.start()) + 1 if doctype else 1
        return None, [Problem(path, line, "-", DOCTYPE)]
    if path.endswith(DMN_SUFFIX):
        schema = DMN_SCHEMAS.get(etree.QName(root).namespace or "")
        if etree.QName(root).localname != "definitions" or schema is None:
            return None, [Problem(path, root.sourceline, "-", Text("not a DMN file: the root element is %(tag)s",
                                                                                 tag=_tag(root)))]
    else:
        schema = XSD_PATH
        if root.tag != f"{{{BPMN_NS}}}definitions":
            return None, [Problem(path, root.sourceline, "-",
                                  Text("not a BPMN file: the root element is %(tag)s, not bpmn:definitions",
                                       tag=_tag(root)))]
    try:
        return root, _schema_problems(path, root, schema)
    except Exception as exc:
        log.exception("schema validation of %s failed", path)
        return root, [Problem(path, root.sourceline, root.get("id") or "-", unexpected(exc, "this file"))]


def _tag(element) -> str:
    return _readable(f"<{element.tag}>") if isinstance(element.tag, str) else "not an element"


def _readable(message: str) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask`` reads ``bpmn:userTask``."""
    return one_line(readable_tags(message))


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


def run_checks(ctx: FileContext) -> None:
    """Runs every check; a check that trips over a strange document becomes a problem, not a crash."""
    for check in CHECKS:
        try:
            check(ctx)
        except Exception as exc:  # the validator must never raise
            log.exception("%s failed on %s", check.__name__, ctx.file)
            ctx.problems.append(Problem(ctx.file, ctx.root.sourceline, ctx.root.get("id") or "-",
                                        unexpected(exc, "this file")))



CHECKS = (check_processes, check_unsupported, check_user_tasks, check_start_forms, check_service_tasks, check_python,
          check_sandbox, check_timers, check_user_task_values, check_flows, check_gateways, check_messages,
          check_camunda)
