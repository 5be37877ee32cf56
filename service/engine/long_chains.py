"""Long chains of tasks: SpiffWorkflow walks them recursively, and stops looking at depth 1,000.

Three places in SpiffWorkflow 3 follow a process one task at a time down the Python stack
or down the task tree, so a plain chain of ~500 tasks failed and one of 1,000 silently
misbehaved:

- the parser parses a node, then each node it leads to, from inside the first one
  (``TaskParser.parse_node`` -> ``ProcessParser.parse_node``): a RecursionError at ~480 nodes;
- ``TaskSpec._predict`` predicts the tasks ahead of a task from inside the prediction of
  the task before: a RecursionError when an instance of ~1,000 tasks is created;
- ``TaskIterator`` stops at depth 1,000 of the task tree: in a longer instance the tasks
  past it are never found ready, and the workflow reports itself completed with work left.

`ChainSafeProcessParser` parses the nodes of a process from the last to the first, so
that each one finds the nodes it leads to already parsed; `install` replaces the
prediction with the same walk done with an explicit stack, and lifts the iterators'
depth limit. Nothing else changes: the same specs, the same task states, in the same order.
"""

from __future__ import annotations

import functools

from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskIterator, TaskState

MAX_TREE_DEPTH = 10_000_000  # for all practical purposes: no limit
_START = full_tag("startEvent")
_BOUNDARY = full_tag("boundaryEvent")


class ChainSafeProcessParser(ProcessParser):
    """Parses the nodes reachable from the start events deepest first, then as SpiffWorkflow does."""

    def add_tasks(self):
        for node in self._deepest_first():
            self.parse_node(node)
        super().add_tasks()

    def _deepest_first(self) -> list:
        """Nodes reachable from the start events in post-order (a node after those it leads to).

        Start events stay for `add_tasks` (they connect to the process's start), and boundary
        events for the activity they are attached to (which connects them); the nodes after
        either are included. In a loop, a node still leads to one not parsed yet: the parser
        then recurses as before, but only along the loop, back to a node it has begun.
        """
        order, seen = [], set()
        starts = [node for node in self.node if node.tag == _START]
        stack = [(node, False) for node in reversed(starts)]
        while stack:
            node, expanded = stack.pop()
            node_id = node.get("id")
            if expanded:
                if node.tag not in (_START, _BOUNDARY):
                    order.append(node)
                continue
            if node_id is None or node_id in seen:
                continue
            seen.add(node_id)
            stack.append((node, True))
            following = [self.get_node_by_id(flow.get("targetRef"))
                         for flow in self.get_outgoing_sequence_flows(node_id)]
            following += self.get_boundary_events(node_id)
            stack.extend((child, False) for child in reversed(following)
                         if child is not None and child.get("id") not in seen)
        return order


def _predict(self, my_task, seen=None, looked_ahead=0, mask=TaskState.PREDICTED_MASK):
    """`TaskSpec._predict` with an explicit stack: the same depth-first walk, in the same order."""
    pending = [(self, my_task, [] if seen is None else seen, looked_ahead, True)]
    while pending:
        spec, task, seen_here, ahead, checked = pending.pop()
        if not checked and not (task.has_state(mask) and task not in seen_here):
            continue  # tested when its turn comes, as the recursive version does (a task among specs, sic)
        if task.has_state(mask):
            spec._predict_hook(task)
        if task.has_state(TaskState.PREDICTED_MASK):
            seen_here.append(spec)
        look_ahead = task.has_state(TaskState.DEFINITE_MASK) or ahead + 1 < spec.lookahead
        if look_ahead:
            for child in reversed(task.children):
                pending.append((child.task_spec, child, seen_here[:], ahead + 1, False))


def _deeper(init):
    @functools.wraps(init)
    def __init__(self, task, end_at_spec=None, max_depth=MAX_TREE_DEPTH, *args, **kwargs):
        init(self, task, end_at_spec, max_depth, *args, **kwargs)
    __init__.handoff_deeper = True
    return __init__


RECURSIVE_PREDICT = TaskSpec._predict  # SpiffWorkflow's own, kept for the test that compares the two


def install() -> None:
    """Puts the iterative prediction and the deeper iterators in place (once; idempotent)."""
    TaskSpec._predict = _predict
    for iterator in (TaskIterator, BpmnTaskIterator):
        if not getattr(iterator.__init__, "handoff_deeper", False):
            iterator.__init__ = _deeper(iterator.__init__)
