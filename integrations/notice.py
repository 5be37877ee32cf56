"""One notification as people read it: subject, the facts the diagram passed, a link to the page.

The e-mail, webhook and chat channels all render an outbox row through this, so a
message says the same thing whichever way it travels, in its receiver's language: the subject
the diagram translated (``payload["subjects"][locale]``, else the English ``subject``), its facts
as the diagram words them (``payload["facts"][locale]``, else the parameter names, through the
catalogs when they know the word) and Handoff's own words through `service.i18n.tr`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.engine.translations import fact_label
from service.i18n import localized, normalize, tr
from service.store.models import Outbox


@dataclass(frozen=True)
class Notice:
    delivery_id: int
    kind: str
    subject: str
    body: dict[str, Any]
    link: str
    instance_id: int | None
    created_at: datetime
    recipient: str | None = None
    locale: str = "en"
    worded: tuple | None = None  # the facts as the diagram words them in `locale`: ((label, value), ...)

    @property
    def facts(self) -> list[tuple[str, str]]:
        if self.worded is not None:
            return [(str(label), _text(value)) for label, value in self.worded]
        return [(fact_label(name, self.locale), _text(value)) for name, value in self.body.items()]

    def as_json(self) -> dict[str, Any]:
        """A chat bot shows ``text``; a program reads the rest."""
        return {"delivery_id": self.delivery_id, "event": self.kind, "subject": self.subject,
                "text": f"{self.subject}\n{self.link}", "link": self.link, "instance_id": self.instance_id,
                "recipient": self.recipient, "created_at": self.created_at.isoformat(), "body": self.body,
                "locale": self.locale}

    def as_text(self) -> str:
        lines = [self.subject, ""] + [f"{label}: {value}" for label, value in self.facts]
        return "\n".join(lines + ["", tr(self.locale, "Open it in Handoff: %(link)s", link=self.link), ""])

    def as_html(self) -> str:
        rows = "".join(f"<tr><th align='left'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
                       for label, value in self.facts)
        link = html.escape(self.link, quote=True)
        words = html.escape(tr(self.locale, "Open it in Handoff"))
        return (f"<!doctype html><html lang=\"{self.locale}\"><body><h2>{html.escape(self.subject)}</h2>"
                f"{f'<table>{rows}</table>' if rows else ''}"
                f"<p><a href=\"{link}\">{words}</a></p></body></html>")


def notice_of(row: Outbox, base_url: str, recipient: str | None = None, locale: str | None = None) -> Notice:
    """The row as its reader sees it, in `locale` ("en" or "zh-CN"; anything else reads English)."""
    payload = row.payload or {}
    locale = normalize(locale) or "en"
    path = payload.get("link") or (f"/instances/{row.instance_id}" if row.instance_id else "/")
    subject = " ".join(str(localized(payload, "subject", locale) or row.topic).split())  # one line: a header
    return Notice(delivery_id=row.id, kind=str(payload.get("kind") or row.topic), subject=subject,
                  body=dict(payload.get("body") or {}), link=base_url.rstrip("/") + path,
                  instance_id=row.instance_id, created_at=row.created_at, recipient=recipient, locale=locale,
                  worded=_worded(payload, locale))


def _worded(payload: dict, locale: str) -> tuple | None:
    """``payload["facts"][locale]`` as (label, value) pairs; None when absent or not of that shape."""
    facts = payload.get("facts") if isinstance(payload.get("facts"), dict) else {}
    rows = facts.get(locale)
    if not isinstance(rows, list) or not all(isinstance(r, list | tuple) and len(r) == 2 for r in rows):
        return None
    return tuple((label, value) for label, value in rows)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
