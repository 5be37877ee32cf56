"""A process's own words in other languages: side-car catalogs deployed and versioned with it.

Why side-car files: a designer keeps editing the diagram in Camunda Modeler or bpmn.io, which
rewrite the XML; a JSON file beside it, keyed by element id, survives every save and diffs well.

- ``bpmn/<diagram>.<locale>.json`` beside ``bpmn/<diagram>.bpmn``::

      {"elements": {"lead_response": {"name": "线索分派与响应时限"},
                    "urge_lead": {"name": "紧急：提醒销售代表", "subject": "紧急：线索 %(company)s 已等待 2 小时"}}}

  ``name`` translates an element's ``name`` (process, lane, task, event, gateway, flow...);
  ``subject`` is a notify/escalate subject template filled from the instance data at send time;
  ``facts`` names a notify/escalate's other input parameters (the lines under the subject) and,
  optionally, the words for some of their values; any other value is shown as it is::

      "facts": {"urgency": {"label": "紧急程度", "values": {"high": "高"}}, "stage": {"label": "阶段"}}
- ``forms/<area>/<form>.<locale>.json`` beside ``forms/<area>/<form>.json``::

      {"title": "跟进线索", "description": "…",
       "fields": {"follow_up": {"title": "你做了什么"}, "open_items[].item": {"title": "待确认事项"},
                  "invoice_type": {"x-enum-titles": {"vat_special": "增值税专用发票"}}}}

  Fields are named by their data path (``a.b`` inside an object, ``a[]`` for an array's items);
  ``placeholder`` and ``help`` translate json-editor's ``options.inputAttributes.placeholder``
  and ``options.infoText``. Enum values never change: only their titles do.

Pure: no Flask, no SQL. Anything missing falls back to the English.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field

from service.i18n import DEFAULT, SUPPORTED, tr

LOCALES = tuple(loc for loc in SUPPORTED if loc != DEFAULT)
_CATALOG = re.compile(r"^(?P<stem>.+)\.(?P<locale>" + "|".join(re.escape(loc) for loc in LOCALES) + r")\.json$")
FIELD_WORDS = ("title", "description", "x-enum-titles", "placeholder", "help")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KEPT_NAMES = ("message", "signal", "error", "escalation")
NOT_FACTS = ("to", "subject", "channel", "unless_claimed", "strength", "task")  # how to send, not what


def catalog_of(path: str) -> tuple[str, str] | None:
    """(the path stem, the locale) when ``path`` is a translation file (``x.zh-CN.json``), else None."""
    found = _CATALOG.match(path)
    return (found["stem"], found["locale"]) if found else None


def is_translation(path: str) -> bool:
    return catalog_of(path) is not None


def catalogs_for(path: str, files) -> list[str]:
    """The translation files among ``files`` that belong to a diagram or form ``path``."""
    stem = path.rsplit(".", 1)[0] if not path.endswith(".bpmn20.xml") else path[: -len(".bpmn20.xml")]
    return [f"{stem}.{loc}.json" for loc in LOCALES if f"{stem}.{loc}.json" in files]


@dataclass
class Translations:
    """One bundle's words by locale: element words (any diagram of it) and form overlays by form key."""

    elements: dict[str, dict[str, dict]] = field(default_factory=dict)  # locale -> element id -> words
    forms: dict[str, dict[str, dict]] = field(default_factory=dict)  # locale -> form key -> overlay

    def words(self, element_id: str, locale: str | None) -> dict:
        return self.elements.get(locale or DEFAULT, {}).get(element_id) or {}


EMPTY = Translations()


def load(files: dict[str, str]) -> Translations:
    """Every translation file of a bundle; a file that does not read is skipped (validation says why)."""
    found = Translations()
    for path, text in sorted(files.items()):
        catalog = catalog_of(path)
        if catalog is None:
            continue
        stem, locale = catalog
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        if path.startswith("forms/"):
            found.forms.setdefault(locale, {})[stem[len("forms/"):] + ".json"] = data
        elif isinstance(data.get("elements"), dict):
            by_id = found.elements.setdefault(locale, {})
            for element_id, words in data["elements"].items():
                if isinstance(words, dict):
                    by_id.setdefault(element_id, words)
    return found


_cache: dict[str, Translations] = {}
_lock = threading.Lock()


def cached(content_hash: str, files_of) -> Translations:
    """A version's translations, loaded once (``files_of()`` gives its files when not seen yet)."""
    with _lock:
        if content_hash in _cache:
            return _cache[content_hash]
    loaded = load(files_of() or {})
    with _lock:
        return _cache.setdefault(content_hash, loaded)


def _of(source) -> Translations:
    """A ParsedProcess (its ``translations``), a Translations, or a bundle's files."""
    if isinstance(source, Translations):
        return source
    if isinstance(source, dict):
        return load(source)
    return getattr(source, "translations", None) or EMPTY


def element_name(source, element_id: str, locale: str | None, default: str | None = None) -> str | None:
    """An element's name in ``locale``; the English ``default`` when it has no translation."""
    name = _of(source).words(element_id, locale).get("name")
    return name if isinstance(name, str) and name.strip() else default


def process_name(source, process_id: str, locale: str | None, default: str | None = None) -> str | None:
    return element_name(source, process_id, locale, default)


def lane_name(source, lane_id: str, locale: str | None, default: str | None = None) -> str | None:
    """A lane's words to read (the English lane name stays the group it names)."""
    return element_name(source, lane_id, locale, default)


def subject_in(source, element_id: str, locale: str, data: dict) -> str | None:
    """A notify/escalate subject in ``locale`` filled from the instance data; None when untranslated
    or when the data lacks a value the template names (the English subject is then the one to read)."""
    template = _of(source).words(element_id, locale).get("subject")
    if not isinstance(template, str) or not template.strip():
        return None
    names = PLACEHOLDER.findall(template)
    if any(name not in data for name in names):
        return None
    try:
        return template % {name: _text(data[name]) for name in names} if names else template.replace("%%", "%")
    except (TypeError, ValueError, KeyError):
        return None


def facts_in(source, element_id: str, locale: str, body: dict, known=None) -> list[list] | None:
    """``[[label, value], …]`` of a notify/escalate's facts in ``locale``; None when the element has no
    translated fact. A value the translation does not list (and ``known(value)`` does not word) stays as
    typed: data stays data. An untranslated label reads `fact_label`'s way."""
    facts = _of(source).words(element_id, locale).get("facts")
    facts = facts if isinstance(facts, dict) else {}
    found, translated = [], False
    for name, value in body.items():
        if name in NOT_FACTS:
            continue
        words = facts.get(name) if isinstance(facts.get(name), dict) else {}
        label = words.get("label") if isinstance(words.get("label"), str) and words["label"].strip() else None
        values = words.get("values") if isinstance(words.get("values"), dict) else {}
        said = values.get(value_key(value)) if isinstance(value, str | int | float | bool) else None
        if not isinstance(said, str) and isinstance(value, str) and known is not None:
            said = known(value)
        said = said if isinstance(said, str) and said.strip() else None
        translated = translated or bool(label or said)
        found.append([label or fact_label(name, locale), value if said is None else said])
    return found if translated else None


def fact_label(name: str, locale: str | None) -> str:
    """``contract_number`` as words (``Contract number``), in ``locale`` when Handoff's catalogs know them."""
    words = str(name).replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    return tr(locale, words) if "%" not in words else words


def diagram_in(xml: str, source, locale: str | None) -> str:
    """The BPMN text with its elements' ``name`` attributes in ``locale`` (bpmn-js draws names from it).

    Messages, signals and errors keep their names: those are what throws and catches match on.
    """
    by_id = _of(source).elements.get(locale or DEFAULT)
    if not xml or not by_id:
        return xml
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return xml
    for element in root.iter(f"{{{BPMN}}}*"):
        name = element_name(source, element.get("id") or "", locale)
        if name and element.get("name") is not None and etree.QName(element).localname not in KEPT_NAMES:
            element.set("name", name)
    return etree.tostring(root, encoding="unicode")


def _text(value) -> str:
    return "" if value is None else str(value)


def form_in(schema: dict | None, locale: str | None, overlay: dict | None = None, *, source=None,
            form_key: str | None = None) -> dict | None:
    """The form with its words in ``locale`` (a copy; enum values, types and rules unchanged).

    The overlay is given, or found in ``source``'s translations by ``form_key``; without one the
    schema comes back as it is.
    """
    if overlay is None and source is not None and form_key:
        overlay = _of(source).forms.get(locale or DEFAULT, {}).get(form_key)
    if not isinstance(schema, dict) or not isinstance(overlay, dict) or locale in (None, DEFAULT):
        return schema
    result = copy.deepcopy(schema)
    fields = overlay.get("fields") if isinstance(overlay.get("fields"), dict) else {}
    root = {k: overlay[k] for k in FIELD_WORDS if k in overlay}
    for path, node in schema_nodes(result):
        words = root if path == "" else fields.get(path)
        if isinstance(words, dict):
            _apply(node, words)
    return result


def schema_nodes(schema: dict, path: str = ""):
    """(data path, schema node) for a form and every part of it, as a translation names them."""
    pending = [(path, schema)]
    seen = 0
    while pending and seen < 10_000:
        seen += 1
        here, node = pending.pop()
        if not isinstance(node, dict):
            continue
        yield here, node
        target = _local_ref(schema, node.get("$ref"))
        if target is not None:  # a field defined once under $defs is named where it is used
            pending.append((here, target))
        for part in ("then", "else", "if"):
            if isinstance(node.get(part), dict):
                pending.append((here, node[part]))
        for key in ("allOf", "anyOf", "oneOf"):
            for option in node.get(key) or []:
                if isinstance(option, dict) and "const" not in option:
                    pending.append((here, option))
        for key, prop in (node.get("properties") or {}).items():
            pending.append((f"{here}.{key}" if here else key, prop))
        if isinstance(node.get("items"), dict):
            pending.append((f"{here}[]", node["items"]))


def _local_ref(root: dict, ref) -> dict | None:
    """The node a ``#/$defs/name`` (or ``#/definitions/name``) reference points to in the same form."""
    if not isinstance(ref, str) or not ref.startswith(("#/$defs/", "#/definitions/")):
        return None
    node = root
    for part in ref[2:].split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def _apply(node: dict, words: dict) -> None:
    for key in ("title", "description"):
        if isinstance(words.get(key), str) and key in node:
            node[key] = words[key]
    options = node.get("options") if isinstance(node.get("options"), dict) else None
    attributes = options.get("inputAttributes") if options else None
    attributes = attributes if isinstance(attributes, dict) else None
    if isinstance(words.get("placeholder"), str) and attributes and "placeholder" in attributes:
        attributes["placeholder"] = words["placeholder"]
    if isinstance(words.get("help"), str) and options and "infoText" in options:
        options["infoText"] = words["help"]
    titles = words.get("x-enum-titles")
    if isinstance(titles, dict):
        _enum_titles(node, {str(k): str(v) for k, v in titles.items()})


def _enum_titles(node: dict, titles: dict[str, str]) -> None:
    """The option titles in each spelling the form uses (``x-enum-titles``, ``options.enum_titles``, oneOf)."""
    if isinstance(node.get("x-enum-titles"), dict):
        node["x-enum-titles"] = {k: titles.get(str(k), v) for k, v in node["x-enum-titles"].items()}
    elif node.get("enum"):
        node["x-enum-titles"] = dict(titles)
    options = node.get("options") if isinstance(node.get("options"), dict) else {}
    if isinstance(options.get("enum_titles"), list) and node.get("enum"):
        options["enum_titles"] = [titles.get(value_key(v), t)
                                  for v, t in zip(node["enum"], options["enum_titles"], strict=False)]
    for key in ("oneOf", "anyOf"):
        for option in node.get(key) or []:
            if isinstance(option, dict) and "const" in option and value_key(option["const"]) in titles:
                option["title"] = titles[value_key(option["const"])]


def value_key(value) -> str:
    """Option keys as a form writes them: ``true``/``false`` for booleans, the text of anything else."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
