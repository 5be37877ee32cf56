"""What a person decides on: the data a user task's ``shows`` property names, read-only above its form.

Why: a reviewer asked to approve must see what they approve. The diagram says what that is, like
``signs`` and ``seals``: ``<camunda:property name="shows" value="contract_number,contract_amount,
contract_document"/>``, keys of the instance's data in the order they are shown. Their words come
from the process's forms (`words`); a ``"format": "document"`` field shows as the document's name
and size, a link to download it; a key with no value yet says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from service.engine.translations import NOT_FACTS
from service.flows.names import split_names
from service.i18n import tr
from service.store.models import Document, Instance

from .i18n import current_locale
from .vocabulary import N_
from .words import FieldWords, field_words, part_of, process_words, title_of

# Data the service's own steps write (no form asks for it): the customer_history operator's service history.
SERVICE_WORDS = field_words({"type": "object", "properties": {
    "service_history": {"type": "object", "title": N_("Customer's service history"), "properties": {
        "customer": {"type": "string", "title": N_("Customer")},
        "complaint_types": {"type": "array", "title": N_("Past complaint types"), "items": {"type": "string"}},
        "sla_achievement": {"type": "number", "title": N_("SLA achievement"), "format": "percent"}}},
    # what every escalation message carries (the `escalate` operator's parameters, R9)
    "level": {"type": "integer", "title": N_("Escalation level")},
    "task": {"type": "string", "title": N_("Task")},
}})


@dataclass
class Shown:
    """One fact shown: its title, its value (None: not filled in yet) with its words, or its document."""

    key: str
    title: str
    value: Any
    words: FieldWords
    document: dict | None = None  # id, filename, size: a document this viewer may open

    @property
    def filled(self) -> bool:
        return self.value not in (None, "", [], {})

    @property
    def plain(self) -> bool:
        """A scalar that reads on one line (not a document, not a list or a record)."""
        return self.document is None and not isinstance(self.value, dict | list)


def with_service_words(words: FieldWords) -> FieldWords:
    """The process's words, with the words of what the service itself writes for keys no form names."""
    merged = FieldWords()
    merged.merge(words)
    merged.merge(_translated(SERVICE_WORDS, current_locale()))
    return merged


def _translated(words: FieldWords, locale: str) -> FieldWords:
    """The service's own words in `locale` (a copy: the table stays English)."""
    return FieldWords(tr(locale, words.title) if words.title else None, dict(words.choices),
                      {key: _translated(part, locale) for key, part in words.fields.items()},
                      _translated(words.item, locale) if words.item else None, words.format, set(words.values),
                      words.source)


def shown_keys(properties: dict | None) -> list[str]:
    return split_names((properties or {}).get("shows"))


def context_of(session, keys: list[str], data: dict, words: FieldWords, instance_id: int,
               viewer_id: int) -> list[Shown]:
    """The facts `keys` name in `data`, in that order, with their documents looked up."""
    words = with_service_words(words)
    facts = [Shown(key, title_of(words, key), data.get(key), part_of(words, key)) for key in keys]
    wanted = {f.value for f in facts if f.words.format == "document" and _is_id(f.value)}
    rows = documents_by_id(session, wanted, instance_id, viewer_id)
    for fact in facts:
        if fact.words.format == "document" and _is_id(fact.value):
            fact.document = rows.get(fact.value) or {"id": None}
    return facts


def documents_by_id(session, ids, instance_id: int, viewer_id: int) -> dict[int, dict]:
    """The documents among `ids` the viewer may open: this instance's, or their own uploads."""
    if not ids:
        return {}
    found = session.scalars(select(Document).where(Document.id.in_(sorted(ids))))
    return {d.id: {"id": d.id, "filename": d.filename, "size": size_text(d.size)} for d in found
            if d.instance_id == instance_id or d.uploaded_by == viewer_id}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def size_text(size: int) -> str:
    """`12 KB`, `3.4 MB`: a file's size as a person reads it."""
    if size < 1024:
        return tr(current_locale(), "%(size)s bytes", size=size)
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def message_facts(session, library, message, viewer_id: int) -> list[Shown]:
    """What an inbox message carries besides its subject, in the words of its process's forms.

    A structured value (the customer's service history) stays structured; a document field (the
    acceptance document sent to finance) is a link. Customer changes (``changes``) are the diff's.
    """
    content = (message.body or {}).get("body")
    if not isinstance(content, dict):
        return []
    # A notify's `task` names the task the message links to: the link says it, not a fact line.
    keys = [key for key in content if key != "changes" and key not in NOT_FACTS]
    words = FieldWords()
    instance = session.get(Instance, message.instance_id) if message.instance_id else None
    if instance is not None:
        try:
            words = process_words(library.get(instance.process_version.content_hash))
        except Exception:  # a version that no longer loads: the data's own keys will do
            words = FieldWords()
    return context_of(session, keys, content, words, message.instance_id, viewer_id)
