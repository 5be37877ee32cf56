"""The instance page's timeline in sentences: "Rita Patel signed “Core requirements”", not `sign section: …`.

Why one table of templates: each log entry kind reads as one sentence built from the entry's facts,
the diagram's element names and people's display names; the raw facts stay behind a "details" toggle.
The sentences live here, in one place, each whole (``%(who)s``, ``%(task)s``…), and are translated
in the viewer's language: a Chinese page puts the names where Chinese word order wants them.
A kind a diagram chose (a `record` service task: `handover_delayed`) reads as its words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from service.i18n import tr

from .formatting import group_title, local_time
from .i18n import current_locale
from .page_words import stage_label
from .vocabulary import N_
from .words import FieldWords, humanize, title_of, value_text

# kind (or kind:variant) -> sentence; the %(names)s are filled by `_facts` below.
SENTENCES = {
    "instance_started": N_("%(who)s started “%(process)s”"),
    "instance_completed": N_("It is finished"),
    "instance_cancelled": N_("%(who)s cancelled it: %(reason)s"),
    "instance_suspended": N_("%(who)s suspended it: %(reason)s"),
    "instance_resumed": N_("%(who)s resumed it: %(reason)s"),
    "instance_frozen": N_("It was frozen: %(reason)s"),
    "instance_released": N_("%(who)s released it and it went on"),
    "instance_migrated": N_("%(who)s moved it from version %(from_version)s to version %(to_version)s"),
    "instance_error": N_("It stopped at “%(element)s”: %(error)s"),
    "incident_retried": N_("%(who)s tried “%(element)s” again: %(reason)s"),
    "incident_skipped": N_("%(who)s skipped “%(element)s”: %(reason)s"),
    "incident_cancelled": N_("The stop at “%(element)s” ended with the cancellation"),
    "token_moved": N_("%(who)s moved it to “%(element)s”: %(reason)s"),
    "task_opened": N_("“%(task)s” is waiting for %(group)s"),
    "task_opened:due": N_("“%(task)s” is waiting for %(group)s, due %(due)s"),
    "task_claimed": N_("%(who)s took “%(task)s”"),
    "task_unclaimed": N_("%(who)s gave “%(task)s” back"),
    "task_reassigned": N_("%(who)s gave “%(task)s” to %(assignee)s"),
    "task_completed": N_("%(who)s completed “%(task)s”"),
    "document_attached": N_("%(who)s attached “%(filename)s”"),
    "task_cancelled": N_("“%(task)s” was withdrawn"),
    "sign": N_("%(who)s signed “%(section)s”"),
    "sealed": N_("“%(sections)s” sealed: a change now breaks the signatures"),
    "signatures_verified:yes": N_("Every signature was checked and holds"),
    "signatures_verified:no": N_("The signature check found gaps: %(missing)s"),
    "stage_entered": N_("The project entered the stage “%(stage)s”"),
    "status_changed": N_("The project status became “%(status)s”"),
    "customer_linked": N_("It was linked to the customer %(customer)s"),
    "kb_checked:yes": N_("The knowledge-base version of %(product)s is the current one"),
    "kb_checked:no": N_("The knowledge-base version of %(product)s is out of date: bound %(bound)s, "
                        "current %(current)s"),
    "timer_fired": N_("The timer “%(element)s” went off"),
    "notify": N_("Told %(recipients)s: “%(subject)s”"),
    "escalate": N_("Escalated to %(recipients)s: “%(subject)s”"),
    "notify_skipped": N_("“%(element)s” was not sent: %(reason)s"),
    "escalate_skipped": N_("“%(element)s” was not escalated: %(reason)s"),
    "push": N_("“%(element)s” was sent to %(channel)s"),
    "document_uploaded": N_("%(who)s uploaded %(filename)s"),
    "message_received": N_("The message “%(message)s” arrived"),
    "signal_received": N_("The signal “%(signal)s” arrived"),
    "delivery_resent": N_("%(who)s sent a failed delivery again"),
}
NOBODY = N_("The service")
NO_ONE_TOLD = N_("Nobody")


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
        nobody = tr(current_locale(), NOBODY)
        return self.people.get(user_id, nobody) if user_id else nobody

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
    tag = current_locale()
    facts = {key: value_text(None, value) for key, value in data.items() if not isinstance(value, dict | list)}
    # A task's name as the diagram translates it; the name logged when it opened otherwise (English).
    task = (names.elements.get(event.element_id) or data.get("name")) if event.kind.startswith("task_") else None
    facts.update(
        who=names.person(event.actor_id), process=names.process,
        element=names.element(event.element_id), task=task or names.element(event.element_id),
        group=group_title(data.get("candidate_group")) or tr(tag, "its group"), due=_time(data.get("due_at")),
        assignee=names.person(data.get("assignee")),
        section=title_of(words, str(data.get("section") or "")),
        sections=("”, “" if tag == "en" else "”、“").join(title_of(words, s) for s in data.get("sections") or []),
        missing=_listed([_gap(g, words) for g in data.get("missing") or []], tag) or tr(tag, "none"),
        recipients=_listed([names.usernames.get(u, u) for u in data.get("recipients") or []], tag)
        or tr(tag, NO_ONE_TOLD),
        reason=str(data.get("reason") or tr(tag, "no reason given")),
        subject=(data.get("subjects") or {}).get(tag) if isinstance(data.get("subjects"), dict) else None,
    )
    if data.get("stage"):
        facts["stage"] = stage_label(str(data["stage"]))
    if not facts["subject"]:  # a notification rendered in the reader's language keeps it in ``subjects``
        facts["subject"] = value_text(None, data.get("subject")) if "subject" in data else "?"
    return facts


def _listed(items: list[str], tag: str) -> str:
    """`a, b` (`甲、乙`): names in a sentence."""
    return ("、" if tag.startswith("zh") else ", ").join(items)


def _gap(gap: str, words) -> str:
    """`open_items by sales` -> `Open items by sales` (`未决事项（销售）`)."""
    section, _, role = str(gap).partition(" by ")
    if not role:
        return title_of(words, section)
    tag = current_locale()
    return tr(tag, "%(section)s by %(role)s", section=title_of(words, section),
              role=role if tag == "en" else group_title(role))


def sentence(event, names: Names) -> str:
    data = event.data or {}
    template = SENTENCES.get(_variant(event.kind, data))
    if template is None:  # a kind the diagram chose: its own words
        return humanize(event.kind)
    return tr(current_locale(), template) % _Missing(_facts(event, names))


class _Missing(dict):
    def __missing__(self, key):
        return "?"


def details(event, names: Names) -> list[tuple[str, str]]:
    """The raw facts, for whoever opens the toggle: labelled in words, values as stored (hashes shortened)."""
    rows = []
    if event.element_id:
        label = tr(current_locale(), "Diagram element")
        rows.append((label, f"{names.element(event.element_id)} ({event.element_id})"))
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
        return ", ".join(_plain(v) for v in value) or tr(current_locale(), "none")
    return value_text(None, value)


def timeline(events, names: Names) -> list[Entry]:
    return [Entry(e.at, local_time(e.at), sentence(e, names), e.kind, details(e, names)) for e in events]
