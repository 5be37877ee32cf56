"""An instance that loops back through a person's task many times, one request a round, never trips a limit.

The engine's budget (`service.engine.steps`) is per request; the task tree, though, deepens by
every element a loop passes, across requests too. SpiffWorkflow's task iterator stopped at
depth 1,000 (`service.engine.long_chains` lifts it), and a per-path limit once stood in for it:
a contract revised a few hundred times was then refused, or silently completed.
"""

from __future__ import annotations

from service.flows.deploy import deploy
from service.flows.instances import start_process
from tests.modeler import chain
from tests.support import do_task, instance, open_elements, seed

FORM = '{"type": "object", "properties": {"note": {"type": "string"}}}'
ROUNDS = 350  # 1,050 steps along one path: past the old limits (900 along a path, 1,000 deep)
REVISIONS = chain("contract_revisions", [
    '<bpmn:startEvent id="StartEvent_1"/>',
    '<bpmn:userTask id="Activity_0revise1" name="Revise the contract" '
    'camunda:formKey="contract/revise.json"/>',
    '<bpmn:scriptTask id="Activity_0count1" name="Count the revision" scriptFormat="python">'
    "<bpmn:script>revisions = revisions + 1</bpmn:script></bpmn:scriptTask>",
    '<bpmn:exclusiveGateway id="Gateway_0again1" name="Signed?" default="Flow_4"/>',
    '<bpmn:endEvent id="Event_0signed1" name="Signed"/>',
], lane="sales", extra='\n    <bpmn:sequenceFlow id="Flow_0again1" sourceRef="Gateway_0again1" '
                      'targetRef="Activity_0revise1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
                      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                      f"revisions &lt; {ROUNDS}</bpmn:conditionExpression></bpmn:sequenceFlow>")


def test_a_contract_revised_350_times_one_request_a_round_waits_every_round_and_then_ends(services):
    people = seed(services)
    deploy(services, {"bpmn/contract_revisions.bpmn": REVISIONS, "forms/contract/revise.json": FORM}, "designer")
    started = start_process(services, "contract_revisions", {"revisions": 0}, actor_id=people["rep"])
    for done in range(ROUNDS):
        row = instance(services, started.instance_id)
        assert (row.status, row.data["revisions"]) == ("running", done)  # not completed early, not failed
        assert open_elements(services, started.instance_id) == ["Activity_0revise1"]
        do_task(services, people, started.instance_id, "Activity_0revise1", "rep", {"note": f"revision {done + 1}"})
    row = instance(services, started.instance_id)
    assert (row.status, row.data["revisions"]) == ("completed", ROUNDS)
