"""The engine's step budget (`service.engine.steps`) on SpiffWorkflow's own step loop."""

from __future__ import annotations

import time

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from service.engine.bundle import new_parser
from service.engine.errors import StepLimitExceeded
from service.engine.steps import StepBudget
from tests.flows.test_runaway_processes import LOOP
from tests.modeler import chain

REVISIONS = chain("revisions", [
    '<bpmn:startEvent id="StartEvent_1"/>',
    '<bpmn:userTask id="Activity_0revise1" name="Revise the contract"/>',
    '<bpmn:scriptTask id="Activity_0count1" name="Count" scriptFormat="python">'
    "<bpmn:script>i = i + 1</bpmn:script></bpmn:scriptTask>",
    '<bpmn:exclusiveGateway id="Gateway_0again1" name="Again?" default="Flow_4"/>',
    '<bpmn:endEvent id="Event_0end001"/>',
], extra='\n    <bpmn:sequenceFlow id="Flow_0back01" sourceRef="Gateway_0again1" targetRef="Activity_0revise1">'
         '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">i &lt; ROUNDS</bpmn:conditionExpression>'
         "</bpmn:sequenceFlow>")
LIMIT_S = 10  # loose: the clock stops a run after 2 s of engine time; a hang would be minutes or for ever


def loop_workflow(rounds: int) -> BpmnWorkflow:
    """The counting loop, going round until `i` reaches `rounds`."""
    spec = new_parser({"bpmn/loop.bpmn": LOOP.replace("i &gt; 0", f"i &lt; {rounds}")}).get_spec("runaway_loop")
    workflow = BpmnWorkflow(spec)
    for task in workflow.get_tasks():
        task.data["i"] = 0
    return workflow


def test_a_loop_of_a_few_hundred_rounds_runs_to_its_end():
    workflow = loop_workflow(200)  # 400 steps: a fifth of the clock on an idle machine
    workflow.do_engine_steps(will_complete_task=StepBudget())
    assert workflow.is_completed() and workflow.last_task.data["i"] == 200


def test_1500_rounds_without_a_wait_in_one_run_stop_with_the_step_limit_not_a_silent_end():
    workflow, began = loop_workflow(1500), time.monotonic()
    with pytest.raises(StepLimitExceeded) as stopped:
        workflow.do_engine_steps(will_complete_task=StepBudget())
    assert time.monotonic() - began < LIMIT_S
    assert "without waiting" in str(stopped.value)
    assert stopped.value.element_id in ("Activity_0count1", "Gateway_0again1")
    assert not workflow.is_completed()


def test_a_loop_that_waits_for_a_person_goes_round_500_times_across_runs_and_then_ends():
    """1,500 steps along one path: past the depth (1,000) where SpiffWorkflow's iterator stopped looking."""
    rounds = 500
    spec = new_parser({"bpmn/revisions.bpmn": REVISIONS.replace("ROUNDS", str(rounds))}).get_spec("revisions")
    workflow = BpmnWorkflow(spec)
    for task in workflow.get_tasks():
        task.data["i"] = 0
    workflow.do_engine_steps(will_complete_task=StepBudget())
    for done in range(rounds):
        assert not workflow.is_completed()
        [revise] = [task for task in workflow.get_tasks(state=TaskState.READY) if task.task_spec.manual]
        assert (revise.task_spec.bpmn_id, revise.data["i"]) == ("Activity_0revise1", done)
        revise.run()
        workflow.do_engine_steps(will_complete_task=StepBudget())  # a request of its own: a budget of its own
    assert workflow.is_completed() and workflow.last_task.data["i"] == rounds


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
