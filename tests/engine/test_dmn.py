"""Decisions as Camunda 7 runs them: every hit policy, several decisions per file, required decisions first,
and what ``camunda:resultVariable``/``camunda:mapDecisionResult`` keep. Real parser, real engine, real sandbox."""

from __future__ import annotations

import pytest

from service.engine.bundle import Bundle
from service.engine.library import SpecLibrary
from service.engine.runner import Engine, current_data
from service.engine.validate import validate_files

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="decide" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"/>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_1"/>
    <bpmn:businessRuleTask id="Activity_1" camunda:decisionRef="{ref}" {attributes}/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_1" targetRef="Event_1"/>
    <bpmn:endEvent id="Event_1"/>
  </bpmn:process>
</bpmn:definitions>
"""

DMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn"
  id="Definitions_0d" name="D" namespace="http://camunda.org/schema/1.0/dmn">
"""


def table(hit_policy: str, rules: list[tuple[str, str]], *, aggregation: str = "", priorities: str = "",
          decision_id: str = "score") -> str:
    """One input (``amount``), one output (``grade``); each rule is (input entry, output entry)."""
    p = "" if decision_id == "score" else decision_id
    rows = "".join(
        f'<rule id="Rule_{p}{n}"><inputEntry id="In_{p}{n}"><text>{test}</text></inputEntry>'
        f'<outputEntry id="Out_{p}{n}"><text>{out}</text></outputEntry></rule>\n'
        for n, (test, out) in enumerate(rules))
    values = f'<outputValues id="Values_{p}"><text>{priorities}</text></outputValues>' if priorities else ""
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    return (f'<decision id="{decision_id}" name="{decision_id}"><decisionTable id="Table_{decision_id}" '
            f'hitPolicy="{hit_policy}"{agg}>'
            f'<input id="Input_{p}1"><inputExpression id="Expr_{p}1" typeRef="integer"><text>amount</text>'
            f'</inputExpression></input><output id="Output_{p}1" name="grade" typeRef="string">{values}</output>\n'
            f"{rows}</decisionTable></decision>\n")


def run(dmn_body: str, data: dict, ref: str = "score", attributes: str = "") -> dict:
    files = {"bpmn/decide.bpmn": BPMN.format(ref=ref, attributes=attributes),
             "bpmn/decide.dmn": DMN_HEAD + dmn_body + "</definitions>\n"}
    assert validate_files(files) == []
    library = SpecLibrary()
    parsed = library.add(Bundle("decide", "decide", files))
    workflow = Engine(library).start(parsed.ref, data, lambda call: None)
    assert workflow.is_completed()
    return current_data(workflow)


RULES = [("&gt; 10", '"big"'), ("&gt; 100", '"huge"'), ("&lt; 0", '"negative"')]
KEEP = 'camunda:resultVariable="result" camunda:mapDecisionResult="resultList"'


@pytest.mark.parametrize(("policy", "amount", "result"), [
    ("FIRST", 500, [{"grade": "big"}]),
    ("RULE ORDER", 500, [{"grade": "big"}, {"grade": "huge"}]),
    ("COLLECT", 500, [{"grade": "big"}, {"grade": "huge"}]),
    ("UNIQUE", 50, [{"grade": "big"}]),
    ("UNIQUE", 5, []),
])
def test_hit_policies_that_keep_rule_order(policy, amount, result):
    assert run(table(policy, RULES), {"amount": amount}, attributes=KEEP)["result"] == result


@pytest.mark.parametrize(("policy", "result"), [
    ("PRIORITY", [{"grade": "huge"}]),
    ("OUTPUT ORDER", [{"grade": "huge"}, {"grade": "big"}]),
])
def test_priority_follows_the_output_values(policy, result):
    dmn = table(policy, RULES, priorities='"huge","negative","big"')
    assert run(dmn, {"amount": 500}, attributes=KEEP)["result"] == result


def test_any_answers_once_when_the_rules_agree():
    rules = [("&gt; 10", '"big"'), ("&gt; 100", '"big"')]
    assert run(table("ANY", rules), {"amount": 500}, attributes=KEEP)["result"] == [{"grade": "big"}]


@pytest.mark.parametrize(("aggregation", "value"), [("SUM", 90), ("MIN", 10), ("MAX", 50), ("COUNT", 3)])
def test_collect_aggregations(aggregation, value):
    rules = [("&gt; 0", "10"), ("&gt; 1", "50"), ("-", "30"), ("&lt; 0", "1000")]
    dmn = table("COLLECT", rules, aggregation=aggregation)
    keep = 'camunda:resultVariable="total" camunda:mapDecisionResult="singleEntry"'
    assert run(dmn, {"amount": 5}, attributes=keep)["total"] == value


@pytest.mark.parametrize(("mapping", "value"), [
    ("singleEntry", "big"),
    ("singleResult", {"grade": "big"}),
    ("collectEntries", ["big"]),
    ("resultList", [{"grade": "big"}]),
])
def test_map_decision_result(mapping, value):
    keep = f'camunda:resultVariable="kept" camunda:mapDecisionResult="{mapping}"'
    data = run(table("FIRST", RULES), {"amount": 50}, attributes=keep)
    assert data["kept"] == value
    assert "grade" not in data  # Camunda keeps the result variable only


def test_without_a_result_variable_the_outputs_join_the_data():
    assert run(table("UNIQUE", RULES), {"amount": 50})["grade"] == "big"
    assert run(table("COLLECT", RULES), {"amount": 500})["grade"] == ["big", "huge"]


def test_several_decisions_in_one_file_and_the_one_named_runs():
    dmn = table("FIRST", [("-", '"first"')], decision_id="one") + table("FIRST", [("-", '"second"')],
                                                                         decision_id="two")
    assert run(dmn, {"amount": 1}, ref="two")["grade"] == "second"
    assert run(dmn, {"amount": 1}, ref="one")["grade"] == "first"


def test_required_decisions_are_evaluated_first_and_their_outputs_win():
    classify = table("FIRST", [("&gt;= 1000", '"large"'), ("-", '"small"')], decision_id="classify")
    route = ('<decision id="route" name="route"><informationRequirement id="Req_1">'
             '<requiredDecision href="#classify"/></informationRequirement>'
             '<decisionTable id="Table_route" hitPolicy="UNIQUE"><input id="Input_r">'
             '<inputExpression id="Expr_r" typeRef="string"><text>grade</text></inputExpression></input>'
             '<output id="Output_r" name="team" typeRef="string"/>'
             '<rule id="Rule_r1"><inputEntry id="In_r1"><text>"large"</text></inputEntry>'
             '<outputEntry id="Out_r1"><text>"key-accounts"</text></outputEntry></rule>'
             '<rule id="Rule_r2"><inputEntry id="In_r2"><text>"small"</text></inputEntry>'
             '<outputEntry id="Out_r2"><text>"sales"</text></outputEntry></rule>'
             "</decisionTable></decision>\n")
    keep = 'camunda:resultVariable="team" camunda:mapDecisionResult="singleEntry"'
    assert run(classify + route, {"amount": 5000, "grade": "stale"}, ref="route", attributes=keep)["team"] == \
        "key-accounts"
    assert run(classify + route, {"amount": 5}, ref="route", attributes=keep)["team"] == "sales"


def test_a_literal_expression_decision():
    dmn = ('<decision id="fee" name="Fee"><variable id="Var_1" name="fee" typeRef="double"/>'
           '<literalExpression id="Lit_1"><text>amount * 0.02</text></literalExpression></decision>\n')
    assert run(dmn, {"amount": 1000}, ref="fee", attributes='camunda:resultVariable="fee" '
               'camunda:mapDecisionResult="singleEntry"')["fee"] == 20.0


def test_input_typed_by_type_ref():
    assert run(table("UNIQUE", RULES), {"amount": "50"})["grade"] == "big"  # text from a form, typeRef integer


def failure(dmn_body: str, data: dict, attributes: str = "") -> str:
    from SpiffWorkflow.exceptions import SpiffWorkflowException
    with pytest.raises(SpiffWorkflowException) as raised:
        run(dmn_body, data, attributes=attributes)
    return str(raised.value)


def test_unique_refuses_two_matching_rules():
    assert "hit policy UNIQUE, but rules Rule_0, Rule_1 all match" in failure(table("UNIQUE", RULES), {"amount": 500})


def test_any_refuses_rules_that_disagree():
    assert "hit policy ANY" in failure(table("ANY", RULES), {"amount": 500})


def test_single_entry_refuses_two_results():
    keep = 'camunda:resultVariable="x" camunda:mapDecisionResult="singleEntry"'
    assert "needs at most one matching rule; 2 matched" in failure(table("COLLECT", RULES), {"amount": 500}, keep)
