"""Issue 9.4: a task offered to several groups (comma-separated, or a list a decision gives) reaches each.

Before, ``camunda:candidateGroups="legal, finance"`` made one group named "legal, finance" (nobody
in it), and a decision's list became the group "['legal', 'finance']".
"""

from __future__ import annotations

import pytest

from service.store.models import AuditEvent, TaskGroup
from tests.api.test_expression_errors import deploy, start
from tests.modeler import FORM_KEY, attrs, chain
from tests.support import count, events

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_0r1s2t3" name="Reviewers"
             namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="Decision_reviewers" name="Who reviews">
    <decisionTable id="DecisionTable_0a1b2c3">
      <input id="Input_1" label="Amount">
        <inputExpression id="InputExpression_1" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <output id="Output_1" label="Reviewers" name="reviewers" typeRef="string"/>
      <rule id="DecisionRule_0big001">
        <inputEntry id="UnaryTests_0big001"><text>&gt; 1000</text></inputEntry>
        <outputEntry id="LiteralExpression_0big001"><text>["legal", "finance"]</text></outputEntry>
      </rule>
      <rule id="DecisionRule_0small01">
        <inputEntry id="UnaryTests_0small01"><text>&lt;= 1000</text></inputEntry>
        <outputEntry id="LiteralExpression_0small01"><text>["finance"]</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def review_process(pid: str, groups: str, decide: bool = False) -> str:
    task = f'<bpmn:userTask id="Activity_0review1" name="Review" camunda:formKey="{FORM_KEY}"' \
           f'{attrs({"candidateGroups": groups})}/>'
    rule = ['<bpmn:businessRuleTask id="Activity_0decide1" name="Who reviews" '
            'camunda:decisionRef="Decision_reviewers"/>'] if decide else []
    return chain(pid, ['<bpmn:startEvent id="StartEvent_1"/>', *rule, task, '<bpmn:endEvent id="Event_0end001"/>'],
                 lane="sales")


def group_list(api, who: str) -> list[dict]:
    answer = api.client.get("/api/v1/tasks?scope=groups", headers=api.login(who))
    assert answer.status_code == 200, answer.json
    return answer.json


def act(api, who: str, task_id: int, action: str, body: dict | None = None):
    return api.client.post(f"/api/v1/tasks/{task_id}/{action}", headers=api.login(who), json=body or {})


@pytest.mark.parametrize(("groups", "decide", "data"), [
    ("legal, finance", False, {}),
    ("legal,finance", False, {}),
    ("${reviewers}", False, {"reviewers": ["legal", "finance"]}),
    ("${reviewers}", True, {"amount": 5000}),  # a decision table's output list
])
def test_a_task_for_two_groups_is_offered_to_each_and_done_by_either(api, services, groups, decide, data):
    files = {"bpmn/review.bpmn": review_process("review", groups, decide)}
    if decide:
        files["bpmn/reviewers.dmn"] = DMN
    deploy(api, files)
    first, second = start(api, "review", data).json, start(api, "review", data).json
    for who in ("legal", "finance"):
        offered = group_list(api, who)
        assert sorted(t["instance_id"] for t in offered) == sorted([first["id"], second["id"]])
        assert all(t["candidate_groups"] == ["legal", "finance"] and t["candidate_group"] == "legal"
                   for t in offered)
    assert group_list(api, "delivery") == [] and group_list(api, "rep") == []
    tasks = {t["instance_id"]: t["id"] for t in group_list(api, "legal")}
    assert count(services, TaskGroup) == 4  # two open tasks, each offered to two groups

    for who, instance in (("legal", first), ("finance", second)):
        task_id = tasks[instance["id"]]
        assert act(api, "delivery", task_id, "claim").status_code == 404  # not theirs to see, as for one group
        assert api.client.get(f"/api/v1/tasks/{task_id}", headers=api.login("delivery")).status_code == 404
        assert act(api, who, task_id, "claim").status_code == 200
        done = act(api, who, task_id, "complete", {"data": {"note": f"{who} agrees"}})
        assert done.status_code == 200, done.json
        view = api.client.get(f"/api/v1/instances/{instance['id']}", headers=api.login(who)).json
        assert view["status"] == "completed"
    assert group_list(api, "legal") == [] and group_list(api, "finance") == []
    opened = events(services, "task_opened")
    assert [e.data["candidate_groups"] for e in opened] == [["legal", "finance"]] * 2
    assert count(services, AuditEvent, AuditEvent.kind == "task_completed") == 2
    assert count(services, TaskGroup) == 0  # closed tasks are offered to nobody


def test_a_claimed_task_is_no_longer_offered_and_others_hear_403_as_before(api, services):
    deploy(api, {"bpmn/review.bpmn": review_process("review", "legal, finance")})
    start(api, "review", {})
    [task] = group_list(api, "finance")
    assert act(api, "legal", task["id"], "claim").status_code == 200
    assert group_list(api, "finance") == []
    taken = act(api, "finance", task["id"], "claim")  # a member of the other group still sees whose work it was
    assert taken.status_code in (403, 404, 409), taken.json
    assert act(api, "finance", task["id"], "complete", {"data": {"note": "mine?"}}).status_code in (403, 404)


def test_a_decision_giving_one_group_in_a_list_offers_it_to_that_group_only(api, services):
    deploy(api, {"bpmn/review.bpmn": review_process("review", "${reviewers}", decide=True),
                 "bpmn/reviewers.dmn": DMN})
    start(api, "review", {"amount": 10})
    assert group_list(api, "legal") == []
    [task] = group_list(api, "finance")
    assert task["candidate_groups"] == ["finance"]
