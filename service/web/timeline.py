"""The instance page's timeline in sentences: "Rita Patel signed “Core requirements”", not `sign section: …`.

Why one table of templates: each log entry kind reads as one sentence built from the entry's facts,
the diagram's element names and people's display names; the raw facts stay behind a "details" toggle.
The sentences live here, in one place, so they can be translated (issue 12) without hunting fragments.
A kind a diagram chose (a `record` service task: `handover_delayed`) reads as its words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .formatting import group_title, local_time
from .words import FieldWords, humanize, title_of, value_text

# kind (or kind:variant) -> sentence; the {names} are filled by `_facts` below.
SENTENCES = {
    "instance_started": "{who} started “{process}”",
    "instance_completed": "It is finished",
    "instance_cancelled": "{who} cancelled it: {reason}",
    "instance_suspended": "{who} suspended it: {reason}",
    "instance_resumed": "{who} resumed it: {reason}",
    "instance_frozen": "It was frozen: {reason}",
    "instance_released": "{who} released it and it went on",
    "instance_migrated": "{who} moved it from version {from_version} to version {to_version}",
    "instance_error": "It stopped at “{element}”: {error}",
    "incident_retried": "{who} tried “{element}” again: {reason}",
    "incident_skipped": "{who} skipped “{element}”: {reason}",
    "incident_cancelled": "The stop at “{element}” ended with the cancellation",
    "token_moved": "{who} moved it to “{element}”: {reason}",
    "task_opened": "“{task}” is waiting for {group}",
    "task_opened:due": "“{task}” is waiting for {group}, due {due}",
    "task_claimed": "{who} took “{task}”",
    "task_unclaimed": "{who} gave “{task}” back",
    "task_reassigned": "{who} gave “{task}” to {assignee}",
    "task_completed": "{who} completed “{task}”",
    "document_attached": "{who} attached “{filename}”",
    "task_cancelled": "“{task}” was withdrawn",
    "sign": "{who} signed “{section}”",
    "sealed": "“{sections}” sealed: a change now breaks the signatures",
    "signatures_verified:yes": "Every signature was checked and holds",
    "signatures_verified:no": "The signature check found gaps: {missing}",
    "stage_entered": "The project entered the stage “{stage}”",
    "status_changed": "The project status became “{status}”",
    "customer_linked": "It was linked to the customer {customer}",
    "kb_checked:yes": "The knowledge-base version of {product} is the current one",
    "kb_checked:no": "The knowledge-base version of {product} is out of date: bound {bound}, current {current}",
    "timer_fired": "The timer “{element}” went off",
    "notify": "Told {recipients}: “{subject}”",
    "escalate": "Escalated to {recipients}: “{subject}”",
    "notify_skipped": "“{element}” was not sent: {reason}",
    "escalate_skipped": "“{element}” was not escalated: {reason}",
    "push": "“{element}” was sent to {channel}",
    "document_uploaded": "{who} uploaded {filename}",
    "message_received": "The message “{message}” arrived",
    "signal_received": "The signal “{signal}” arrived",
    "delivery_resent": "{who} sent a failed delivery again",
}
NOBODY = "The service"
NO_ONE_TOLD = "Nobody"


@dataclass
class Entry:
    """One line of the timeline: when, the sentence, and the raw facts for the details toggle."""

    at: datetime
    when: str
    sentence: str
    kind: str
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Names:
    """What the sentences name: people by id and by username, the diagram's elements, the forms' words."""

    people: dict[int, str]
    usernames: dict[str, str]
    elements: dict[str, str]
    words: FieldWords | None = None
    process: str = "project"

    def person(self, user_id) -> str:
        return self.people.get(user_id, NOBODY) if user_id else NOBODY

    def element(self, element_id) -> str:
        return self.elements.get(element_id) or humanize(element_id or "") or "?"


def _variant(kind: str, data: dict) -> str:
    if kind in ("kb_checked",):
        return f"{kind}:{'yes' if data.get('matches') else 'no'}"
    if kind == "signatures_verified":
        return f"{kind}:{'yes' if data.get('valid') else 'no'}"
    if kind == "task_opened" and data.get("due_at"):
        return "task_opened:due"
    return kind


def _time(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return local_time(value) if isinstance(value, datetime) else value_text(None, value)


def _facts(event, names: Names) -> dict[str, str]:
    """Every name a sentence may use, in words."""
    data = dict(event.data or {})
    words = names.words
    facts = {key: value_text(None, value) for key, value in data.items() if not isinstance(value, dict | list)}
    task = data.get("name") if event.kind.startswith("task_") else None
    facts.update(
        who=names.person(event.actor_id), process=names.process,
        element=names.element(event.element_id), task=task or names.element(event.element_id),
        group=group_title(data.get("candidate_group")) or "its group", due=_time(data.get("due_at")),
        assignee=names.person(data.get("assignee")),
        section=title_of(words, str(data.get("section") or "")),
        sections="”, “".join(title_of(words, s) for s in data.get("sections") or []),
        missing=", ".join(_gap(g, words) for g in data.get("missing") or []) or "none",
        recipients=", ".join(names.usernames.get(u, u) for u in data.get("recipients") or []) or NO_ONE_TOLD,
        reason=str(data.get("reason") or "no reason given"),
    )
    return facts


def _gap(gap: str, words) -> str:
    """`open_items by sales` -> `Open items by sales`."""
    section, _, role = str(gap).partition(" by ")
    return f"{title_of(words, section)} by {role}" if role else title_of(words, section)


def sentence(event, names: Names) -> str:
    data = event.data or {}
    template = SENTENCES.get(_variant(event.kind, data))
    if template is None:  # a kind the diagram chose: its own words
        return humanize(event.kind)
    return template.format_map(_Missing(_facts(event, names)))


class _Missing(dict):
    def __missing__(self, key):
        return "?"


def details(event, names: Names) -> list[tuple[str, str]]:
    """The raw facts, for whoever opens the toggle: labelled in words, values as stored (hashes shortened)."""
    rows = []
    if event.element_id:
        rows.append(("Diagram element", f"{names.element(event.element_id)} ({event.element_id})"))
    for key, value in (event.data or {}).items():
        if key == "data" or value in (None, "", [], {}):
            continue
        if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            value = value[:12] + "…"
        elif key.endswith("_at") or key == "due":
            value = _time(value)
        rows.append((humanize(key), value if isinstance(value, str) else _plain(value)))
    return rows


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k)}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "none"
    return value_text(None, value)


def timeline(events, names: Names) -> list[Entry]:
    return [Entry(e.at, local_time(e.at), sentence(e, names), e.kind, details(e, names)) for e in events]
