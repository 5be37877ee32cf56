"""The engine's step budget (`service.engine.steps`) on SpiffWorkflow's own step loop."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from service.engine.bundle import new_parser
from service.engine.errors import StepLimitExceeded
from service.engine.steps import MAX_PATH, StepBudget
from tests.flows.test_runaway_processes import LOOP


def loop_workflow(rounds: int) -> BpmnWorkflow:
    """The counting loop, going round until `i` reaches `rounds`."""
    spec = new_parser({"bpmn/loop.bpmn": LOOP.replace("i &gt; 0", f"i &lt; {rounds}")}).get_spec("runaway_loop")
    workflow = BpmnWorkflow(spec)
    for task in workflow.get_tasks():
        task.data["i"] = 0
    return workflow


def test_a_loop_of_a_few_hundred_rounds_runs_to_its_end():
    workflow = loop_workflow(300)
    workflow.do_engine_steps(will_complete_task=StepBudget())
    assert workflow.is_completed() and workflow.last_task.data["i"] == 300


def test_a_loop_longer_than_the_engine_can_follow_is_an_error_not_a_silent_end():
    unguarded = loop_workflow(10_000)
    unguarded.do_engine_steps()
    assert unguarded.is_completed() and unguarded.last_task.data["i"] < 600  # SpiffWorkflow alone: lost its way
    with pytest.raises(StepLimitExceeded) as stopped:
        loop_workflow(10_000).do_engine_steps(will_complete_task=StepBudget(max_seconds=60))  # the path alone
    assert f"went {MAX_PATH} steps along one path" in str(stopped.value)
    assert stopped.value.element_id in ("Activity_0count1", "Gateway_0again1")


def test_too_many_steps_stop_the_run():
    with pytest.raises(StepLimitExceeded) as stopped:
        loop_workflow(10_000).do_engine_steps(will_complete_task=StepBudget(max_steps=100))
    assert "ran 100 steps without waiting" in str(stopped.value)


def test_too_long_on_the_engine_clock_stops_the_run():
    with pytest.raises(StepLimitExceeded) as stopped:
        loop_workflow(3).do_engine_steps(will_complete_task=StepBudget(max_seconds=0.0))
    assert "ran for more than 0 s without waiting" in str(stopped.value)


def test_operators_time_is_not_the_engines():
    budget = StepBudget()
    assert budget.timed(lambda call: {"echo": call})("x") == {"echo": "x"}
    assert budget.outside_s > 0 and budget.engine_seconds() < budget.max_seconds
