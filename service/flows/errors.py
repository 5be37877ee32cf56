"""Failures a caller can act on; the web layer maps each to one HTTP status.

A message may be a `service.i18n.Text`, rendered in the reader's language by whoever shows it (the API in
the request's); ``error.message`` stays the English string, for logs, the CLI and the audit.
"""

from __future__ import annotations

from service.i18n import Text


class FlowError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str | Text, **details):
        super().__init__(str(message))
        self.text = message
        self.message = str(message)
        errors = details.get("errors")
        self.error_texts = errors if isinstance(errors, dict) else {}  # field -> messages, Texts kept for the reader
        if isinstance(errors, dict):  # details stay plain English (logs, audit, JSON)
            details["errors"] = {field: [_plain(text) for text in texts] if isinstance(texts, list) else _plain(texts)
                                 for field, texts in errors.items()}
        self.details = details


def _plain(value):
    return str(value) if isinstance(value, Text) else value


class NotFound(FlowError):
    code, http_status = "not_found", 404


class Forbidden(FlowError):
    code, http_status = "forbidden", 403


class Conflict(FlowError):
    """Somebody changed the instance or task first; reload and try again."""

    code, http_status = "conflict", 409


class VersionUnusable(Conflict):
    """The deployed version's files do not load (a version that bypassed deploy's checks)."""

    code = "version_unusable"


class InstanceFrozen(Conflict):
    code = "instance_frozen"


class FormInvalid(FlowError):
    """``errors`` (and ``details["errors"]``) hold the English words; ``error_texts`` the translatable ones."""

    code, http_status = "invalid_form", 422

    def __init__(self, message: str | Text, errors: dict[str, list[str | Text]]):
        super().__init__(message, errors=errors)
        self.errors = self.details["errors"]


class DeployInvalid(FlowError):
    code, http_status = "invalid_process", 422

    def __init__(self, problems):
        super().__init__(Text("%(n)s problem(s) in the process files", n=len(problems)),
                         problems=[str(p) for p in problems])
        self.problems = problems


class ProcessFailed(FlowError):
    """The process itself failed (a script error, an unknown operator): an incident."""

    code, http_status = "process_failed", 422


STATUS_WORDS = {"running": Text("running"), "completed": Text("completed"), "cancelled": Text("cancelled"),
                "suspended": Text("suspended"), "error": Text("error"), "open": Text("open"),
                "pending": Text("pending"), "sent": Text("sent"), "failed": Text("failed"),
                "resolved": Text("resolved")}


def status_word(status: str | None) -> str | Text:
    """A stored status as a reader says it ("completed" / "已完成"); the English is the stored word itself,
    so English messages read as before; an unknown status stays as it is."""
    return STATUS_WORDS.get(status or "", status or "")
