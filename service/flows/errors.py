"""Failures a caller can act on; the web layer maps each to one HTTP status."""

from __future__ import annotations


class FlowError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


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
    code, http_status = "invalid_form", 422

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__(message, errors=errors)
        self.errors = errors


class DeployInvalid(FlowError):
    code, http_status = "invalid_process", 422

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s) in the process files", problems=[str(p) for p in problems])
        self.problems = problems


class ProcessFailed(FlowError):
    """The process itself failed (a script error, an unknown operator): an incident."""

    code, http_status = "process_failed", 422
