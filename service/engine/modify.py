"""Moving a token: cancel it at one element and start one at another of the same (sub-)process.

Camunda calls this process instance modification; spiff-arena resets to an earlier task. Here the
token's branch of the task tree is cancelled (its boundary timers and any sub-process under it
too) and a new branch for the target is added under the task that came before the token, carrying
the token's data. That is safe only where no other token depends on the branch, so a move is
refused unless the target either ran on the way to the token (back) or can be reached from it
along sequence flows (forward), in both cases without crossing a parallel or inclusive gateway,
and never into or out of a sub-process, a call activity or a multi-instance body.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.util.task import TaskState

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
JOINING = (ParallelGateway, InclusiveGateway)


class MoveRefused(Exception):
    """The engine cannot make this move safely; the message says why in plain words."""


@dataclass(frozen=True)
class Move:
    token: object  # the active task at the source element
    target: object  # the target's task spec
    direction: str  # back | forward


def _bpmn_id(spec) -> str | None:
    return getattr(spec, "bpmn_id", None)


def _in_loop_body(spec) -> bool:
    return isinstance(spec, LoopTask) or any(isinstance(s, LoopTask) and getattr(s, "task_spec", None) == spec.name
                                             for s in spec._wf_spec.task_specs.values())


def plan(workflow, from_element: str, to_element: str) -> Move:
    """Checks the move and says how it goes, or raises `MoveRefused`."""
    tokens = [t for t in workflow.get_tasks(state=ACTIVE) if _bpmn_id(t.task_spec) == from_element
              and not isinstance(t.task_spec, BoundaryEvent)]
    if not tokens:
        raise MoveRefused(f"no token is waiting at {from_element}")
    if len(tokens) > 1 or _in_loop_body(tokens[0].task_spec):
        raise MoveRefused(f"{from_element} is a multi-instance or loop activity: a move cannot take a token "
                          "into or out of its body")
    token = tokens[0]
    spec = next((s for s in token.workflow.spec.task_specs.values() if _bpmn_id(s) == to_element
                 and not isinstance(s, BoundaryEventSplit | BoundaryEventJoin)), None)
    if spec is None:
        elsewhere = any(_bpmn_id(s) == to_element for sp in [workflow.spec, *workflow.subprocess_specs.values()]
                        for s in sp.task_specs.values())
        raise MoveRefused(f"{to_element} is in another sub-process or called process than {from_element}: "
                          "a move stays inside one" if elsewhere else f"there is no element {to_element} here")
    if isinstance(spec, StartEvent | BoundaryEvent):
        raise MoveRefused(f"{to_element} is a start or boundary event: a token cannot be placed there")
    if isinstance(spec, JOINING):
        raise MoveRefused(f"{to_element} is a parallel or inclusive gateway: its other branches would never come")
    if _in_loop_body(spec):
        raise MoveRefused(f"{to_element} is a multi-instance or loop activity: move to the element before it")
    if _ran_before(token, to_element):
        return Move(token, spec, "back")
    if _reachable(token.task_spec, spec):
        return Move(token, spec, "forward")
    raise MoveRefused(f"{to_element} neither ran on the way to {from_element} nor follows it without crossing "
                      "a parallel or inclusive gateway (another branch would wait for ever or run twice)")


def _node(token):
    """The token's branch: its boundary-event split when it has boundary events."""
    return token.parent if isinstance(token.parent.task_spec, BoundaryEventSplit) else token


def _ran_before(token, element: str) -> bool:
    task = _node(token).parent
    while task is not None:
        if isinstance(task.task_spec, JOINING):
            return False
        if _bpmn_id(task.task_spec) == element and task.has_state(TaskState.COMPLETED):
            return True
        task = task.parent
    return False


def _next_specs(spec) -> list:
    found = []
    for output in spec.outputs:
        if isinstance(output, BoundaryEventJoin):
            continue
        if isinstance(output, BoundaryEventSplit):
            found += [o for o in output.outputs if not isinstance(o, BoundaryEvent)]
        else:
            found.append(output)
    return found


def _reachable(start, target) -> bool:
    seen, queue = {start.name}, list(_next_specs(start))
    while queue:
        spec = queue.pop(0)
        if spec is target:
            return True
        if spec.name in seen or isinstance(spec, JOINING):
            continue
        seen.add(spec.name)
        queue += _next_specs(spec)
    return False


def _token_data(token) -> dict:
    data = deepcopy(token.data)
    subprocess = token.workflow.top_workflow.subprocesses.get(token.id)
    if subprocess is not None and subprocess.last_task is not None:
        data.update(deepcopy(subprocess.last_task.data))
    return data


def apply(move: Move, data: dict | None = None) -> None:
    """Cancels the token's branch and starts one at the target with the token's data (plus `data`)."""
    token, target = move.token, move.target
    carried = {**_token_data(token), **deepcopy(data or {})}
    node = _node(token)
    before = node.parent
    node.cancel()
    entry = next((s for s in target._wf_spec.task_specs.values()
                  if isinstance(s, BoundaryEventSplit) and target in s.outputs), target)
    started = before._add_child(entry, TaskState.FUTURE)
    started.data = deepcopy(carried)
    started.task_spec._predict(started, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)  # as a reset does
    started.task_spec._update(started)
    started.data = carried
