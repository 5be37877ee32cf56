"""Failures that are the process's own fault at one element: an incident to fix, never worth a retry."""

from __future__ import annotations

from SpiffWorkflow.exceptions import SpiffWorkflowException

from .problem_text import plain


class ProcessError(Exception):
    """A designer's expression or construct failed at `element_id` (a bad due date, a runaway loop...)."""

    def __init__(self, element_id: str | None, message: str):
        super().__init__(message)
        self.element_id = element_id
        self.message = message


class StepLimitExceeded(ProcessError):
    """One request or job ran more engine steps, or longer, than any process needs: a loop without a wait."""


def element_of(error: Exception) -> str | None:
    """The BPMN element a SpiffWorkflow error happened at, if it says."""
    if isinstance(error, ProcessError):
        return error.element_id
    spec = getattr(error, "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def describe(error: Exception) -> str:
    """The error's message, with the reason SpiffWorkflow's "Error evaluating expression" hides (no class names)."""
    if isinstance(error, ProcessError):
        return error.message
    text = str(error) if isinstance(error, SpiffWorkflowException) else cause_text(error)
    cause = error.__cause__ or error.__context__
    if cause is None or str(cause) in text:
        return text
    if isinstance(cause, ProcessError):
        return f"{text} ({cause.message})"
    return f"{text} ({cause_text(cause)})"


def cause_text(error: BaseException, data=None) -> str:
    """What a designer's expression ran into, in its own words: a missing name, a missing key, Python's reason."""
    if isinstance(error, NameError) and getattr(error, "name", None):
        if data is None:
            return f"{error.name} is not in the process data"
        known = sorted(str(key) for key in data)
        holds = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "") if known else "nothing yet"
        return f"{error.name} is not in the process data (it holds: {holds})"
    if isinstance(error, KeyError) and error.args:
        return f"there is no {error.args[0]!r} in the value"
    if isinstance(error, ZeroDivisionError):
        return "a division by zero"
    return plain(error) or "it failed without a reason (an internal error)"
