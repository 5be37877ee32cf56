"""The engine facade `flows` uses: start, restore, act, run steps, snapshot, dump."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from . import messages, timers
from .library import ParsedProcess, SpecLibrary
from .sandbox import SandboxEnvironment
from .script_engine import HandoffScriptEngine
from .serializer import make_serializer
from .specs import OperatorCall
from .steps import StepBudget
from .tasks import UserTaskState, user_tasks

OperatorRunner = Callable[[OperatorCall], dict | None]


class EngineError(Exception):
    """The process could not do what was asked (bad task, no waiting message...)."""


@dataclass(frozen=True)
class Snapshot:
    completed: bool
    user_tasks: list[UserTaskState]
    pending_timers: list[timers.PendingTimer]
    next_wakeup_at: datetime | None
    data: dict
    waits: list[messages.Wait] = field(default_factory=list)  # messages and signals it would catch now


def current_data(workflow: BpmnWorkflow) -> dict:
    """The instance's data as people read it: the top process's, overlaid by running subprocesses'."""
    data = dict(workflow.last_task.data) if workflow.last_task else {}
    for subprocess in sorted(workflow.get_active_subprocesses(), key=lambda sp: sp.depth):
        if subprocess.last_task is not None:
            data.update(subprocess.last_task.data)
    return data


class Engine:
    def __init__(self, library: SpecLibrary, functions: dict[str, Any] | None = None):
        self.library = library
        self.serializer = make_serializer(library)
        self.functions = dict(functions or {})

    def _script_engine(self, parsed: ParsedProcess) -> HandoffScriptEngine:
        """Expressions see the task data plus helper functions (e.g. the process's business hours), sandboxed."""
        if parsed.script_engine is None:
            parsed.script_engine = HandoffScriptEngine(
                environment=SandboxEnvironment({**self.functions, **parsed.functions}))
        return parsed.script_engine

    def process(self, ref: str) -> ParsedProcess:
        return self.library.get(ref)

    def start(self, ref: str, data: dict[str, Any], operators: OperatorRunner) -> BpmnWorkflow:
        parsed = self.library.get(ref)
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self._script_engine(parsed))
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        self.run(workflow, operators)
        return workflow

    def restore(self, state: str) -> BpmnWorkflow:
        workflow = self.serializer.deserialize_json(state)
        workflow.script_engine = self._script_engine(self.library.get(workflow.spec.handoff_ref))
        return workflow

    def dump(self, workflow: BpmnWorkflow) -> str:
        return self.serializer.serialize_json(workflow)

    def run(self, workflow: BpmnWorkflow, operators: OperatorRunner, budget: StepBudget | None = None) -> None:
        """Runs engine steps until the process waits; a `StepBudget` stops one that never does."""
        budget = budget or StepBudget()
        workflow.operator_runner = budget.timed(operators) if operators is not None else None
        try:
            workflow.do_engine_steps(will_complete_task=budget)
        finally:
            workflow.operator_runner = None

    def ready_user_task(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError):
            task = None
        if task is None or not task.task_spec.manual or not task.has_state(TaskState.READY):
            raise EngineError(f"task {task_id} is not open in this instance")
        return task

    def complete(self, workflow, task_id: str, data: dict, operators: OperatorRunner,
                 now: datetime | None = None) -> None:
        """A person's work: the task runs, and the idle clocks of the activities around it restart (R1.1)."""
        task = self.ready_user_task(workflow, task_id)
        task.data.update(data)
        task.run()
        timers.restart_idle_clocks(workflow, task, now or datetime.now(UTC))
        self.run(workflow, operators)

    def fire_due_timers(self, workflow, now: datetime, operators: OperatorRunner) -> list[timers.PendingTimer]:
        budget = StepBudget()  # one budget for every round of catching up
        return timers.fire_due(workflow, now, lambda: self.run(workflow, operators, budget))

    def deliver_message(self, workflow, name: str, payload: dict, operators: OperatorRunner) -> None:
        """A BPMN message reaches the instance; its payload is merged into the data (`messages`)."""
        self.deliver(workflow, messages.MESSAGE, name, payload, operators)

    def deliver(self, workflow, kind: str, name: str, payload: dict, operators: OperatorRunner) -> None:
        """A message or signal from outside: caught where the instance waits for it, then the process runs on."""
        if not messages.catch(workflow, kind, name, payload):
            raise EngineError(f"this instance is not waiting for {kind} {name!r}")
        self.run(workflow, operators)

    def snapshot(self, workflow: BpmnWorkflow, now: datetime | None = None) -> Snapshot:
        pending = timers.pending_timers(workflow)
        completed = workflow.is_completed()
        return Snapshot(
            completed=completed,
            user_tasks=user_tasks(workflow, now or datetime.now(UTC), pending),
            pending_timers=pending,
            next_wakeup_at=pending[0].due if pending and not completed else None,
            data=current_data(workflow),
            waits=[] if completed else messages.waiting_for(workflow),
        )

    def update_data(self, workflow: BpmnWorkflow, changes: dict[str, Any]) -> None:
        """Changes data the rest of the process will see (e.g. a rebound knowledge-base version)."""
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            task.data.update(changes)
        if workflow.last_task is not None:
            workflow.last_task.data.update(changes)


def element_states(workflow: BpmnWorkflow) -> tuple[list[str], list[str]]:
    """BPMN element ids that ran and that are active (ready, waiting or started), for drawing the diagram."""
    done, active = set(), set()
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.has_state(TaskState.COMPLETED):
            done.add(bpmn_id)
        elif task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            active.add(bpmn_id)
    return sorted(done - active), sorted(active)
