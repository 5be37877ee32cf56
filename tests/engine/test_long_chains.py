"""`long_chains` changes how SpiffWorkflow walks a process, not what it builds (issue 9.4).

The shipped processes and the designer fixtures are parsed with and without the deepest-first
parse order, and run with SpiffWorkflow's recursive prediction and with the iterative one: the
specs and the task trees must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.base import TaskSpec

from service.engine import long_chains
from service.engine.bundle import new_parser, read_tree
from service.engine.parser import HandoffParser

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = [ROOT, ROOT / "tests" / "fixtures" / "validator"]
PROCESSES = [(library, process_id) for library in LIBRARIES
             for process_id in sorted(new_parser(read_tree(library)).get_process_ids())]


def shape(spec) -> dict:
    """Every task spec: its outputs in order, its inputs as a set (their order follows the parse order)."""
    return {name: ([o.name for o in task.outputs], sorted(i.name for i in task.inputs))
            for name, task in spec.task_specs.items()}


def tree(workflow: BpmnWorkflow) -> list:
    return [(task.task_spec.name, task.state, task.depth) for task in workflow.get_tasks()]


@pytest.fixture
def recursive_parse(monkeypatch):
    monkeypatch.setattr(HandoffParser, "PROCESS_PARSER_CLASS", ProcessParser)


@pytest.mark.parametrize(("library", "process_id"), PROCESSES, ids=[p for _, p in PROCESSES])
def test_the_deepest_first_parse_builds_the_same_specs(library, process_id, monkeypatch):
    files = read_tree(library)
    ours = new_parser(files).get_spec(process_id)
    monkeypatch.setattr(HandoffParser, "PROCESS_PARSER_CLASS", ProcessParser)
    theirs = new_parser(files).get_spec(process_id)
    assert shape(ours) == shape(theirs)


@pytest.mark.parametrize(("library", "process_id"), PROCESSES, ids=[p for _, p in PROCESSES])
def test_the_iterative_prediction_predicts_the_same_tasks(library, process_id, monkeypatch):
    parser = new_parser(read_tree(library))
    spec, subprocesses = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    ours = BpmnWorkflow(spec, subprocesses)
    monkeypatch.setattr(TaskSpec, "_predict", long_chains.RECURSIVE_PREDICT)
    theirs = BpmnWorkflow(spec, subprocesses)
    assert tree(ours) == tree(theirs) and len(tree(ours)) > 2
