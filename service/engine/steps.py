"""A budget for the engine steps of one request or job, so a process that never waits cannot hang a worker.

SpiffWorkflow's `do_engine_steps` runs until only user tasks and waits are left: a gateway
looping back with no wait, or a call activity calling its own process, ran for ever (on
SQLite holding the write lock meanwhile). The budget is checked before every step (the
``will_complete_task`` hook): too many steps, too deep a nesting of called processes, or too
long on the engine's own clock (operators' database and network time is not counted) stops
the run with a `StepLimitExceeded` at the element about to run; the caller rolls back.

No limit on the length of a path: a loop deepens the task tree by a step per element it
passes, across requests too (a contract revised 50 times, each waiting for a person), and
`long_chains` lifts the depth at which SpiffWorkflow's task iterator stopped looking (past
it a loop was silently *completed*). Within one request the clock stops a loop first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import StepLimitExceeded

MAX_STEPS = 5_000  # the shipped processes take under 100 steps in one request
MAX_SECONDS = 2.0  # engine time of one request or job, operators' time excluded
MAX_DEPTH = 16  # sub-processes and called processes inside each other


def _caller(workflow) -> str | None:
    """The element (call activity or sub-process) that started this sub-workflow."""
    task = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
    return getattr(task.task_spec, "bpmn_id", None) if task is not None else None


@dataclass
class StepBudget:
    max_steps: int = MAX_STEPS
    max_seconds: float = MAX_SECONDS
    max_depth: int = MAX_DEPTH
    steps: int = 0
    outside_s: float = 0.0  # time spent in operators (database, integrations): not the engine's
    started: float = field(default_factory=lambda: time.monotonic())  # looked up now: freezegun may replace it

    def __call__(self, task) -> None:
        """Called by SpiffWorkflow before it runs each engine task."""
        self.steps += 1
        element = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
        if task.workflow.depth > self.max_depth:
            caller = _caller(task.workflow)
            raise StepLimitExceeded(caller, f"{caller}: sub-processes nest more than {self.max_depth} deep; "
                                            "does a call activity call its own process?")
        if self.steps > self.max_steps:
            raise StepLimitExceeded(element, f"the process ran {self.max_steps} steps without waiting for a "
                                             f"person, a timer or a message (the last at {element}); "
                                             "a loop with no wait in it?")
        if self.engine_seconds() > self.max_seconds:
            raise StepLimitExceeded(element, f"the process ran for more than {self.max_seconds:g} s without "
                                             f"waiting (the last step at {element}); a loop with no wait in it?")

    def engine_seconds(self) -> float:
        return time.monotonic() - self.started - self.outside_s

    def timed(self, operators: Callable) -> Callable:
        """`operators`, with the time they take kept out of the engine's."""
        def run(call):
            began = time.monotonic()
            try:
                return operators(call)
            finally:
                self.outside_s += time.monotonic() - began
        return run
