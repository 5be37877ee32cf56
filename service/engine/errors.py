"""Failures that are the process's own fault at one element: an incident to fix, never worth a retry."""

from __future__ import annotations

from SpiffWorkflow.exceptions import SpiffWorkflowException


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
    """The error's message, with the reason SpiffWorkflow's "Error evaluating expression" hides."""
    if isinstance(error, ProcessError):
        return error.message
    text = str(error) if isinstance(error, SpiffWorkflowException) else f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    if cause is None or str(cause) in text:
        return text
    if isinstance(cause, ProcessError):
        return f"{text} ({cause.message})"
    return f"{text} ({type(cause).__name__}: {cause})"
