"""Words for stored values: the forms' own titles, so a page never shows a data key or an enum value.

Why: a process's data is keyed by what its forms named (`invoice_type: vat_special`); the same forms
hold the words a person reads ("Invoice type: VAT special invoice"). A form names an option's words in
``"x-enum-titles": {"vat_special": "VAT special invoice"}`` (booleans: ``{"true": "Approve", "false":
"Request changes"}``), or the standard ``oneOf: [{"const": …, "title": …}]``, or json-editor's
``options.enum_titles``. Every page that shows stored data reads its words from here.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from service.engine.translations import element_name, form_in
from service.i18n import babel_locale, tr

from .i18n import current_locale

ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@dataclass
class FieldWords:
    """What a person reads for one field: its title, its options' titles, and its parts'."""

    title: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    fields: dict[str, FieldWords] = field(default_factory=dict)
    item: FieldWords | None = None
    format: str | None = None
    values: set[str] = field(default_factory=set)  # the enum's values: untitled ones still read as words
    source: str | None = None  # ``x-choices``: options the pages look up (customers), see `with_sources`

    def merge(self, other: FieldWords) -> None:
        """Another form's words for the same data: what this one lacks is taken from it."""
        self.title = self.title or other.title
        self.format = self.format or other.format
        self.source = self.source or other.source
        for value, title in other.choices.items():
            self.choices.setdefault(value, title)
        self.values |= other.values
        for key, words in other.fields.items():
            if key in self.fields:
                self.fields[key].merge(words)
            else:
                self.fields[key] = words
        if other.item is not None:
            if self.item is None:
                self.item = other.item
            else:
                self.item.merge(other.item)


NO_WORDS = FieldWords()


def _key(value) -> str:
    """Option keys as a form writes them: `true`/`false` for booleans, the text of anything else."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def choices_of(schema: dict) -> dict[str, str]:
    """Option value -> title, from whichever of the three spellings a form uses."""
    choices = {str(value): str(title) for value, title in (schema.get("x-enum-titles") or {}).items()}
    titles = (schema.get("options") or {}).get("enum_titles") or []
    for value, title in zip(schema.get("enum") or [], titles, strict=False):
        choices.setdefault(_key(value), str(title))
    for option in schema.get("oneOf") or schema.get("anyOf") or []:
        if isinstance(option, dict) and "const" in option and option.get("title"):
            choices.setdefault(_key(option["const"]), str(option["title"]))
    items = schema.get("items")
    if isinstance(items, dict) and schema.get("type") == "array":
        for value, title in choices_of(items).items():
            choices.setdefault(value, title)
    return choices


def _enum_values(schema: dict) -> set[str]:
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    return {str(v) for v in [*(schema.get("enum") or []), *(items.get("enum") or [])] if isinstance(v, str)}


def field_words(schema: dict | None) -> FieldWords:
    """The words of one JSON Schema (a whole form or one of its fields), nested parts included."""
    if not isinstance(schema, dict):
        return FieldWords()
    words = FieldWords(title=schema.get("title"), choices=choices_of(schema), format=schema.get("format"),
                       values=_enum_values(schema), source=schema.get("x-choices"))
    for part in ("then", "else"):
        if isinstance(schema.get(part), dict):
            words.merge(field_words(schema[part]))
    for option in schema.get("allOf") or []:
        words.merge(field_words(option))
    for key, prop in (schema.get("properties") or {}).items():
        words.fields[key] = field_words(prop)
    if isinstance(schema.get("items"), dict):
        words.item = field_words(schema["items"])
    return words


_cache: dict[tuple, FieldWords] = {}
_lock = threading.Lock()


def process_words(parsed, locale: str | None = None) -> FieldWords:
    """Every form of one process version merged: the words for any key of its instances' data,
    in the viewer's language (the forms' translations, `service.engine.translations`)."""
    locale = locale or current_locale()
    ref = (getattr(parsed, "ref", None), locale)
    with _lock:
        if ref in _cache:
            return _cache[ref]
    forms = [field_words(form_in(parsed.forms[path], locale, source=parsed, form_key=path))
             for path in sorted(parsed.forms)]
    required = [set(parsed.forms[path].get("required") or []) if isinstance(parsed.forms[path], dict) else set()
                for path in sorted(parsed.forms)]
    words = FieldWords()
    # A key's title is the plainest its forms give: the form that requires it first, then the shortest title,
    # so "Contract amount" wins over a revising task's "Contract amount (revised)".
    for asked in (True, False):
        best: dict[str, FieldWords] = {}
        for form, needed in zip(forms, required, strict=True):
            for key, part in form.fields.items():
                if (key in needed) == asked and part.title and (
                        key not in best or len(part.title) < len(best[key].title)):
                    best[key] = part
        words.merge(FieldWords(fields=best))
    for form in forms:
        words.merge(form)
    with _lock:
        _cache[ref] = words
    return words


def with_sources(words: FieldWords, lookup) -> FieldWords:
    """A copy of `words` whose ``x-choices`` fields name their options: `lookup(source)` gives
    [(value, title)], e.g. a customer's id and name, so a page shows "ACME Education", not `4`."""
    found: dict[str, dict[str, str]] = {}

    def fill(part: FieldWords) -> FieldWords:
        copy = FieldWords(part.title, dict(part.choices), {k: fill(v) for k, v in part.fields.items()},
                          fill(part.item) if part.item else None, part.format, set(part.values), part.source)
        if part.source:
            if part.source not in found:
                found[part.source] = {_key(value): str(title) for value, title in lookup(part.source)}
            for value, title in found[part.source].items():
                copy.choices.setdefault(value, title)
        return copy

    return fill(words)


def humanize(key: str) -> str:
    """`special_acceptance_terms` -> `Special acceptance terms`: the last resort when no form names a key."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def title_of(words: FieldWords | None, key: str) -> str:
    part = (words or NO_WORDS).fields.get(key)
    return part.title if part is not None and part.title else humanize(key)


def part_of(words: FieldWords | None, key: str) -> FieldWords:
    return (words or NO_WORDS).fields.get(key) or NO_WORDS


def value_text(words: FieldWords | None, value) -> str:
    """One scalar in words: an option's title, Yes/No, a plain number or date; never `None` or `True`.

    In the page's language: Yes/No translated, numbers, money (``"format": "money"``, yuan) and dates by Babel.
    """
    words = words or NO_WORDS
    tag = current_locale()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool | str | int | float) and _key(value) in words.choices:
        return words.choices[_key(value)]
    if isinstance(value, str) and value in words.values:
        return humanize(value)  # an option the form gives no words for: still not `vat_special`
    if isinstance(value, bool):
        return tr(tag, "Yes") if value else tr(tag, "No")
    if words.format == "percent" and isinstance(value, int | float):  # a share of 1: 0.92 reads "92%"
        return f"{value * 100:.4g}%"
    if words.format == "money" and isinstance(value, int | float):
        return format_currency(value, "CNY", locale=babel_locale(tag))
    if isinstance(value, float) and value.is_integer():
        return format_decimal(int(value), locale=babel_locale(tag))
    if isinstance(value, int):
        return format_decimal(value, locale=babel_locale(tag)) if abs(value) >= 10000 else str(value)
    if isinstance(value, str) and ISO_STAMP.match(value):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        from .formatting import local_time  # formatting reads its words from here

        return local_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return value.isoformat() if tag == "en" else format_date(value, "yyyy年M月d日", locale=babel_locale(tag))
    return str(value)


_names_cache: dict[tuple, dict[str, str]] = {}


def element_names(parsed, locale: str | None = None) -> dict[str, str]:
    """Element id -> the name the diagram gives it (subprocesses and called processes included)."""
    locale = locale or current_locale()
    ref = (getattr(parsed, "ref", None), locale)
    with _lock:
        if ref in _names_cache:
            return _names_cache[ref]
    names: dict[str, str] = {}
    specs = [parsed.spec, *(getattr(parsed, "subprocess_specs", None) or {}).values()]
    for spec in specs:
        for task_spec in getattr(spec, "task_specs", {}).values():
            element_id, name = getattr(task_spec, "bpmn_id", None), getattr(task_spec, "bpmn_name", None)
            if element_id and name:
                names.setdefault(element_id, element_name(parsed, element_id, locale, name))
    with _lock:
        _names_cache[ref] = names
    return names
