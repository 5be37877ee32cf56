"""Checks of the translation files (`translations`): wrong ones are problems, missing words are warnings.

Why two kinds: a translation naming an element or field that does not exist, or a subject using a
value the English does not, is a mistake to fix before deploying; a word nobody translated yet only
means a Chinese reader sees the English, which must never stop a deploy.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from service.i18n import Text

from . import translations as tx
from .translations import FIELD_WORDS, LOCALES, PLACEHOLDER, catalog_of, catalogs_for, schema_nodes, value_key
from .validate_checks import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NAMED = {"process", "participant", "lane", "sequenceFlow", "subProcess", "transaction", "callActivity", "task"}
ELEMENT_WORDS = ("name", "subject")
MESSAGES = ("notify", "escalate")  # the topics whose facts people read under the subject
FACT_WORDS = ("label", "values")
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NAME = re.compile(r"[A-Za-z_]\w*")
KEYWORDS = {"and", "or", "not", "empty", "true", "false", "null", "eq", "ne", "lt", "gt", "le", "ge", "div",
            "mod", "instanceof", "if", "else", "None", "True", "False", "in", "is"}


def _translatable(element) -> bool:
    if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN:
        return False
    local = etree.QName(element).localname
    return local in NAMED or local.endswith(("Task", "Event", "Gateway"))


def diagram_words(root) -> dict[str, dict]:
    """Element id -> {"name": English name, "subject": English subject (or None), "facts": the input
    parameters a notify/escalate shows under its subject, "line": …}."""
    found = {}
    for element in root.iter(etree.Element):
        element_id, name = element.get("id"), element.get("name")
        if not element_id or not _translatable(element):
            continue
        params = {p.get("name"): p for p in element.findall(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}"
                                                            f"inputOutput/{{{CAMUNDA}}}inputParameter")}
        subject = params.get("subject")
        english = (subject.text or "").strip() if subject is not None else None
        facts = ([n for n in params if n and n not in tx.NOT_FACTS]
                 if element.get(f"{{{CAMUNDA}}}topic") in MESSAGES else [])
        if (name and name.strip()) or english or facts:
            found[element_id] = {"name": (name or "").strip() or None, "subject": english or None,
                                 "facts": facts, "line": element.sourceline}
    return found


def subject_names(english: str) -> set[str]:
    """The instance values an English subject uses: names in its ``${…}``, string literals left out."""
    names: set[str] = set()
    for expression in re.findall(r"\$\{(.*?)\}", english or "", flags=re.S):
        names |= set(_NAME.findall(_STRINGS.sub(" ", expression))) - KEYWORDS
    return names


def line_of(text: str, *keys: str) -> int:
    """The line of a key path in a JSON text (the nearest key found, in order)."""
    position = 0
    for key in keys:
        found = text.find(json.dumps(key, ensure_ascii=False), position)
        if found < 0:
            break
        position = found
    return text.count("\n", 0, position) + 1


def _read(path: str, text: str) -> tuple[dict | None, list[Problem]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, [Problem(path, getattr(exc, "lineno", None), "-", Text("invalid JSON: %(reason)s",
                                                                        reason=str(getattr(exc, "msg", exc))))]
    except RecursionError:
        return None, [Problem(path, None, "-",
                              Text("invalid JSON: %(reason)s", reason=Text("nested too deeply to be read")))]
    if not isinstance(data, dict):
        return None, [Problem(path, 1, "-", Text("a translation file is a JSON object"))]
    return data, []


def check_diagram(path: str, root, files: dict[str, str]) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of one diagram's translation files."""
    english = diagram_words(root)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    present = catalogs_for(path, files)
    for locale in LOCALES:
        catalog = next((c for c in present if catalog_of(c)[1] == locale), None)
        if catalog is None:
            if english:
                warnings.append(Problem(path, 1, "-", Text(
                    "no %(language)s translation (add %(file)s): %(language)s readers see the English names",
                    language=locale, file=_stem(path) + "." + locale + ".json")))
            continue
        found, wrong = _check_catalog(catalog, files[catalog], english)
        problems += wrong
        warnings += _missing(path, locale, english, found)
    return problems, warnings


def _stem(path: str) -> str:
    return path[: -len(".bpmn20.xml")] if path.endswith(".bpmn20.xml") else path.rsplit(".", 1)[0]


def _check_catalog(path: str, text: str, english: dict) -> tuple[dict, list[Problem]]:
    data, problems = _read(path, text)
    if data is None:
        return {}, problems
    for key in data:
        if key != "elements":
            problems.append(Problem(path, line_of(text, key), "-",
                                    Text('unknown key "%(key)s" (expected "elements")', key=key)))
    elements = data.get("elements")
    if not isinstance(elements, dict):
        return {}, [*problems, Problem(path, line_of(text, "elements"), "-", Text('"elements" must be an object'))]
    for element_id, words in elements.items():
        line = line_of(text, "elements", element_id)
        if element_id not in english:
            problems.append(Problem(path, line, element_id, Text("names no element of the diagram that has a name")))
            continue
        if not isinstance(words, dict):
            problems.append(Problem(path, line, element_id, Text('a translation is an object: {"name": "…"}')))
            continue
        problems += _check_words(path, text, element_id, words, english[element_id])
    return elements, problems


def _check_words(path: str, text: str, element_id: str, words: dict, english: dict) -> list[Problem]:
    problems = []
    for key, value in words.items():
        line = line_of(text, "elements", element_id, key)
        if key == "facts":
            problems += _check_facts(path, text, element_id, value, english)
        elif key not in ELEMENT_WORDS:
            problems.append(Problem(path, line, element_id, Text('unknown word "%(key)s" (a translation has "name" '
                                                                 'and, for a notify/escalate task, "subject" '
                                                                 'and "facts")', key=key)))
        elif not isinstance(value, str):
            problems.append(Problem(path, line, element_id, Text('"%(key)s" must be text', key=key)))
        elif not english.get(key):
            problems.append(Problem(path, line, element_id, Text("the element has no %(key)s in English to translate",
                                                                 key=key)))
        elif key == "subject":
            allowed = subject_names(english["subject"])
            for name in PLACEHOLDER.findall(value):
                if name not in allowed:
                    said = ", ".join(f"%({n})s" for n in sorted(allowed)) or "none"
                    problems.append(Problem(path, line, element_id, Text("the subject uses %(used)s, which the English "
                                                                         "subject does not (it has %(said)s)",
                                                                         used="%(" + name + ")s", said=said)))
    return problems


def _check_facts(path: str, text: str, element_id: str, facts, english: dict) -> list[Problem]:
    """``"facts": {"urgency": {"label": "…", "values": {"high": "…"}}}``: each names a parameter the
    element has (a misspelt one would silently leave the English on every message)."""
    at = ("elements", element_id, "facts")
    if not isinstance(facts, dict):
        return [Problem(path, line_of(text, *at), element_id, Text('"facts" maps a parameter to {"label": "…"}'))]
    problems = []
    for name, words in facts.items():
        line = line_of(text, *at, name)
        if name not in english["facts"]:
            said = ", ".join(english["facts"]) or "none"
            problems.append(Problem(path, line, element_id, Text('the fact "%(name)s" names no input parameter of '
                                                                 'the element that it shows (it has %(said)s)',
                                                                 name=name, said=said)))
        elif not isinstance(words, dict):
            problems.append(Problem(path, line, element_id, Text('the fact "%(name)s" is an object: {"label": "…"}',
                                                                 name=name)))
        else:
            problems += _fact_problems(path, text, element_id, name, words)
    return problems


def _fact_problems(path: str, text: str, element_id: str, name: str, words: dict) -> list[Problem]:
    problems = []
    for word, value in words.items():
        line = line_of(text, "elements", element_id, "facts", name, word)
        if word not in FACT_WORDS:
            problems.append(Problem(path, line, element_id, Text('unknown word "%(word)s" in the fact "%(name)s" '
                                                                 '(a fact has "label" and "values")',
                                                                 word=word, name=name)))
        elif word == "label" and not isinstance(value, str):
            problems.append(Problem(path, line, element_id, Text('the label of the fact "%(name)s" must be text',
                                                                 name=name)))
        elif word == "values" and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            problems.append(Problem(path, line, element_id, Text('the values of the fact "%(name)s" map each value '
                                                                 'to its words: {"high": "…"}', name=name)))
    return problems


def _missing(path: str, locale: str, english: dict, found: dict) -> list[Problem]:
    warnings = []
    for element_id, words in english.items():
        given = found.get(element_id) if isinstance(found.get(element_id), dict) else {}
        for key in ELEMENT_WORDS:
            if words.get(key) and not (isinstance(given.get(key), str) and given[key].strip()):
                warnings.append(Problem(path, words["line"], element_id,
                                        Text('no %(language)s %(word)s ("%(english)s"): readers see the English',
                                             language=locale, word=key, english=words[key][:60])))
        facts = given.get("facts") if isinstance(given.get("facts"), dict) else {}
        for name in words.get("facts") or ():
            fact = facts.get(name) if isinstance(facts.get(name), dict) else {}
            if not (isinstance(fact.get("label"), str) and fact["label"].strip()):
                warnings.append(Problem(path, words["line"], element_id,
                                        Text('no %(language)s label for the fact "%(name)s": readers see the English',
                                             language=locale, name=name)))
    return warnings


def form_words(schema: dict) -> dict[str, dict]:
    """Data path -> {word: English} for every word of a form a person reads, and its enum values."""
    found: dict[str, dict] = {}
    for path, node in schema_nodes(schema):
        words = found.setdefault(path, {"values": set()})
        for key in ("title", "description"):
            if isinstance(node.get(key), str) and node[key].strip():
                words[key] = node[key]
        options = node.get("options") if isinstance(node.get("options"), dict) else {}
        attributes = options.get("inputAttributes") if isinstance(options.get("inputAttributes"), dict) else {}
        if isinstance(attributes.get("placeholder"), str):
            words["placeholder"] = attributes["placeholder"]
        if isinstance(options.get("infoText"), str):
            words["help"] = options["infoText"]
        titled = {str(k) for k in (node.get("x-enum-titles") or {})} if isinstance(node.get("x-enum-titles"),
                                                                                   dict) else set()
        titled |= {value_key(o["const"]) for key in ("oneOf", "anyOf") for o in node.get(key) or []
                   if isinstance(o, dict) and "const" in o and o.get("title")}
        if isinstance(options.get("enum_titles"), list):
            titled |= {value_key(v) for v in (node.get("enum") or [])[: len(options["enum_titles"])]}
        if titled:
            words["x-enum-titles"] = titled
        words["values"] |= {value_key(v) for v in node.get("enum") or []} | titled
        if node.get("type") == "boolean":
            words["values"] |= {"true", "false"}
    return found


def check_form(key: str, schema, forms: dict[str, str], root: str = "forms") -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of one form's translation files (``forms`` keyed by form key)."""
    if not isinstance(schema, dict):
        return [], []
    english = form_words(schema)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    form_path = f"{root}/{key}"
    for locale in LOCALES:
        overlay_key = f"{key[: -len('.json')]}.{locale}.json"
        if overlay_key not in forms:
            warnings.append(Problem(form_path, 1, "-", Text("no %(language)s translation (add %(file)s): %(language)s "
                                                            "readers see the English words", language=locale,
                                                            file=root + "/" + overlay_key)))
            continue
        path, text = f"{root}/{overlay_key}", forms[overlay_key]
        data, wrong = _read(path, text)
        problems += wrong
        if data is None:
            continue
        fields = data.get("fields", {})
        given = {"": {k: data[k] for k in FIELD_WORDS if k in data},
                 **(fields if isinstance(fields, dict) else {})}
        problems += _overlay_problems(path, text, data, english)
        warnings += _form_missing(form_path, locale, english, given)
    return problems, warnings


def _overlay_problems(path: str, text: str, data: dict, english: dict) -> list[Problem]:
    problems = []
    for key in data:
        if key not in (*FIELD_WORDS, "fields"):
            problems.append(Problem(path, line_of(text, key), "-", Text('unknown key "%(key)s"', key=key)))
    fields = data.get("fields", {})
    if not isinstance(fields, dict):
        return [*problems, Problem(path, line_of(text, "fields"), "-", Text('"fields" must be an object'))]
    entries = [("", {k: data[k] for k in FIELD_WORDS if k in data}, ())] + [
        (name, words, ("fields", name)) for name, words in fields.items()]
    for name, words, at in entries:
        if name not in english:
            problems.append(Problem(path, line_of(text, *at), name, Text("names no field of the form")))
        elif not isinstance(words, dict):
            problems.append(Problem(path, line_of(text, *at), name,
                                    Text('a field\'s words are an object: {"title": "…"}')))
        else:
            problems += _field_problems(path, text, name, words, english[name], at)
    return problems


def _field_problems(path: str, text: str, name: str, words: dict, english: dict, at: tuple) -> list[Problem]:
    problems = []
    for word, value in words.items():
        line = line_of(text, *at, word)
        if word not in FIELD_WORDS:
            problems.append(Problem(path, line, name or "-", Text('unknown word "%(word)s" (a field has %(known)s)',
                                                                  word=word, known=", ".join(FIELD_WORDS))))
        elif word == "x-enum-titles":
            if not isinstance(value, dict):
                problems.append(Problem(path, line, name or "-", Text('"x-enum-titles" maps each value to its title')))
                continue
            for option in value:
                if option not in english["values"]:
                    problems.append(Problem(path, line_of(text, *at, word, option), name or "-",
                                            Text('"%(option)s" is not a value of this field', option=option)))
        elif not isinstance(value, str):
            problems.append(Problem(path, line, name or "-", Text('"%(word)s" must be text', word=word)))
        elif word not in english:
            problems.append(Problem(path, line, name or "-", Text("the field has no %(word)s in English to translate",
                                                                  word=word)))
    return problems


def _form_missing(form_path: str, locale: str, english: dict, given: dict) -> list[Problem]:
    warnings = []
    for name, words in english.items():
        have = given.get(name) if isinstance(given.get(name), dict) else {}
        for word in ("title", "description", "placeholder", "help"):
            if words.get(word) and not (isinstance(have.get(word), str) and have[word].strip()):
                warnings.append(Problem(form_path, 1, name or "-", Text(
                    'no %(language)s %(word)s ("%(english)s")', language=locale, word=word, english=words[word][:60])))
        titles = have.get("x-enum-titles") if isinstance(have.get("x-enum-titles"), dict) else {}
        for option in sorted(words.get("x-enum-titles") or ()):
            if not titles.get(option):
                warnings.append(Problem(form_path, 1, name or "-", Text(
                    'no %(language)s title for the option "%(option)s"', language=locale, option=option)))
    return warnings
