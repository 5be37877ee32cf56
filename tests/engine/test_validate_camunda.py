"""What a Camunda 7 diagram needs changed is reported at validate time, one line each, with what to use instead."""

from __future__ import annotations

import pytest

from service.engine.validate import validate, validate_files
from tests.support import FIXTURES

CAMUNDA7 = FIXTURES / "camunda7"
HINT_FORM = 'write the form as JSON Schema under forms/ and name it, e.g. camunda:formKey="invoice/approve.json"'
HINT_LISTENER = ('model the work as a service task (camunda:type="external") or a Python script task before or '
                 "after it")


def lines(problems) -> list[str]:
    return [str(problem) for problem in problems]


def test_the_invoice_as_camunda_modeled_it_lists_each_edit():
    path = CAMUNDA7 / "as_modeled" / "invoice.bpmn"
    name = str(path)
    assert lines(validate([path], forms_dir=CAMUNDA7 / "forms")) == [
        f"{name}:24: StartEvent_1: camunda:formKey 'embedded:app:forms/start-form.html' is a Camunda web form "
        f"Handoff cannot render; {HINT_FORM}",
        f"{name}:33: Activity_0approve: camunda:formKey 'embedded:app:forms/approve-invoice.html' is a Camunda web "
        f"form Handoff cannot render; {HINT_FORM}",
        f"{name}:33: Activity_0approve: camunda:candidateUsers is not read; offer the task to a group "
        "(camunda:candidateGroups or the lane) or to one person (camunda:assignee)",
        f"{name}:36: Activity_0approve: camunda:taskListener (event create) is not run by Handoff; {HINT_LISTENER}",
        f"{name}:41: Activity_0approve: camunda:taskListener (event assignment) is not run by Handoff; "
        f"{HINT_LISTENER}",
        f"{name}:55: Flow_1yes: condition '${{execution.getVariable(\"approved\")}}' uses Camunda's execution "
        "object, which Handoff does not have; name the process variable itself, e.g. ${approved}",
        f"{name}:60: Activity_1transfer: camunda:formKey 'camunda-forms:deployment:prepare-bank-transfer.form' is a "
        f"Camunda web form Handoff cannot render; {HINT_FORM}",
        f"{name}:66: Activity_0archive: camunda:class is not run by Handoff; use camunda:type=\"external\" with a "
        "camunda:topic",
        f"{name}:71: Activity_1notify: script in groovy is not run: Handoff runs Python scripts in its sandbox "
        '(scriptFormat="python")',
        f"{name}:79: Event_1processed: camunda:executionListener (event end) is not run by Handoff; {HINT_LISTENER}",
    ]


def test_the_edited_camunda_diagrams_validate_with_their_decisions():
    assert validate(sorted((CAMUNDA7 / "bpmn").glob("*.bpmn")), forms_dir=CAMUNDA7 / "forms") == []


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"/>
    <bpmn:sequenceFlow id="Flow_0" sourceRef="StartEvent_1" targetRef="Activity_1"/>
"""
TAIL = """    <bpmn:sequenceFlow id="Flow_9" sourceRef="Activity_1" targetRef="Event_1"/>
    <bpmn:endEvent id="Event_1"/>
  </bpmn:process>
</bpmn:definitions>
"""


def problems_of(element: str, extra: dict | None = None) -> list[str]:
    return [f"{p.line}: {p.element_id}: {p.message}"
            for p in validate_files({"bpmn/p.bpmn": HEAD + element + TAIL, **(extra or {})})]


@pytest.mark.parametrize(("element", "problem"), [
    ('<bpmn:sendTask id="Activity_1" camunda:delegateExpression="${mailer}"/>',
     '8: Activity_1: camunda:delegateExpression is not run by Handoff; use camunda:type="external" with a '
     "camunda:topic (a Handoff operator)"),
    ('<bpmn:sendTask id="Activity_1" camunda:expression="${mailer.send()}"/>',
     '8: Activity_1: camunda:expression is not run by Handoff; use camunda:type="external" with a camunda:topic '
     "(a Handoff operator)"),
    ('<bpmn:intermediateThrowEvent id="Activity_1"><bpmn:messageEventDefinition id="Msg_1" '
     'camunda:class="org.example.Send"/></bpmn:intermediateThrowEvent>',
     '8: Activity_1: camunda:class is not run by Handoff; use camunda:type="external" with a camunda:topic '
     "(a Handoff operator)"),
    ('<bpmn:serviceTask id="Activity_1"><bpmn:extensionElements><camunda:connector>'
     "<camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></bpmn:extensionElements>"
     "</bpmn:serviceTask>",
     '8: Activity_1: camunda:connector (Camunda Connect) is not run by Handoff; use camunda:type="external" with a '
     "camunda:topic (a Handoff operator)"),
    ('<bpmn:scriptTask id="Activity_1" scriptFormat="javascript"><bpmn:script>var x = 1;</bpmn:script>'
     "</bpmn:scriptTask>",
     "8: Activity_1: script in javascript is not run: Handoff runs Python scripts in its sandbox "
     '(scriptFormat="python")'),
    ('<bpmn:scriptTask id="Activity_1" scriptFormat="python" camunda:resource="deployment://calc.py"/>',
     "8: Activity_1: camunda:resource (a script kept outside the diagram) is not read; write the Python inside "
     "bpmn:script"),
    ('<bpmn:userTask id="Activity_1" camunda:formKey="app:forms/x.html"/>',
     "8: Activity_1: camunda:formKey 'app:forms/x.html' is a Camunda web form Handoff cannot render; "
     f"{HINT_FORM}"),
    ('<bpmn:userTask id="Activity_1" camunda:formRef="approve" camunda:formKey="a.json"/>',
     f"8: Activity_1: camunda:formRef 'approve' names a Camunda Form; {HINT_FORM}"),
    ('<bpmn:userTask id="Activity_1" camunda:dueDate="${dateTime().minusDays(1).toDate()}" '
     'camunda:formKey="a.json"/>',
     "8: Activity_1: camunda:dueDate '${dateTime().minusDays(1).toDate()}': dateTime().minusDays() has no Handoff "
     'equivalent: write an ISO 8601 duration from when the task opens, e.g. "P7D", or ${business_hours("PT24H")}'),
    ('<bpmn:userTask id="Activity_1" camunda:formKey="a.json"><bpmn:extensionElements><camunda:formData>'
     '<camunda:formField id="approved" type="boolean"/></camunda:formData></bpmn:extensionElements></bpmn:userTask>',
     f"8: Activity_1: camunda:formData (a generated Camunda form) is not rendered; {HINT_FORM}"),
    ('<bpmn:sendTask id="Activity_1" camunda:type="external" camunda:topic="mail"/>',
     '8: Activity_1: camunda:type="external" is only read on a bpmn:serviceTask; use camunda:type="external" with '
     "a camunda:topic (a Handoff operator)"),
    ('<bpmn:callActivity id="Activity_1" camunda:caseRef="clarification"/>',
     "8: Activity_1: camunda:caseRef calls a CMMN case, which Handoff does not run; call a BPMN process "
     "(calledElement) instead"),
    ('<bpmn:userTask id="Activity_1" camunda:formKey="a.json"><bpmn:extensionElements><camunda:inputOutput>'
     '<camunda:inputParameter name="x">1</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>'
     "</bpmn:userTask>",
     "8: Activity_1: camunda:inputOutput is only read on a service task (its operator's parameters); data flows "
     "to other tasks as it is"),
])
def test_each_camunda_extension_handoff_does_not_run_is_one_line_with_the_alternative(element, problem):
    assert problem in problems_of(element, {"forms/a.json": '{"type": "object"}'})


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_0" name="D" namespace="n">
  <decision id="Decision_1" name="One">
    <decisionTable id="Table_1" hitPolicy="{policy}"{aggregation}>
      <input id="Input_1"><inputExpression id="Expr_1" typeRef="integer"><text>amount</text></inputExpression></input>
      <output id="Output_1" name="grade" typeRef="string"/>
      <rule id="Rule_1">
        <inputEntry id="In_1"><text>{entry}</text></inputEntry>
        <outputEntry id="Out_1"><text>{output}</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="Decision_2" name="Two">{requirement}
    <literalExpression id="Lit_2"><text>"two"</text></literalExpression>
  </decision>
</definitions>
"""
TASK = '<bpmn:businessRuleTask id="Activity_1" camunda:decisionRef="Decision_2" {attributes}/>'


def dmn_problems(attributes: str = "", **cells) -> list[str]:
    values = {"policy": "UNIQUE", "aggregation": "", "entry": "[1..5]", "output": '"a"', "requirement": ""}
    values.update(cells)
    return problems_of(TASK.format(attributes=attributes), {"bpmn/d.dmn": DMN.format(**values)})


def test_a_file_of_several_decisions_validates():
    assert dmn_problems() == []


@pytest.mark.parametrize(("cells", "problem"), [
    ({"entry": "[1..5"}, "8: In_1: input entry '[1..5' is neither FEEL nor Python: expected ']', '[' or ')' at "
                         "column 6"),
    ({"output": "if a then"}, "9: Out_1: output entry 'if a then' is neither FEEL nor Python: unexpected "
                              "'end of the text' at column 10"),
    ({"aggregation": ' aggregation="SUM"'}, "4: Table_1: aggregation SUM needs hit policy COLLECT and one of SUM, "
                                           "MIN, MAX, COUNT"),
    ({"requirement": '<informationRequirement id="Req_1"><requiredDecision href="#Decision_9"/>'
                     "</informationRequirement>"},
     "13: Decision_2: requires decision Decision_9, which is not in this file"),
])
def test_a_decision_that_cannot_run_is_refused_with_its_line(cells, problem):
    found = dmn_problems(**cells)
    assert problem in found, found


def test_map_decision_result_must_be_one_camunda_knows():
    assert ("8: Activity_1: camunda:mapDecisionResult 'firstEntry' is not one of singleEntry, singleResult, "
            "collectEntries, resultList") in dmn_problems('camunda:resultVariable="x" camunda:mapDecisionResult='
                                                          '"firstEntry"')
    assert "8: Activity_1: camunda:mapDecisionResult needs camunda:resultVariable (the variable that keeps it)" in \
        dmn_problems('camunda:mapDecisionResult="singleEntry"')


def test_a_juel_condition_that_is_neither_juel_nor_python_names_the_flow():
    gateway = ('<bpmn:exclusiveGateway id="Activity_1" default="Flow_9"/>'
               '<bpmn:sequenceFlow id="Flow_8" sourceRef="Activity_1" targetRef="Event_1">'
               '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount &gt;}</bpmn:conditionExpression>'
               "</bpmn:sequenceFlow>")
    assert ("8: Flow_8: condition '${amount >}' is neither JUEL nor Python: unexpected 'end of the expression' at "
            "column 9") in problems_of(gateway)


STORE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:dataStore id="FinancialAccountingSystem" name="Financial Accounting System" isUnlimited="false"/>
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"/>
    <bpmn:sequenceFlow id="Flow_0" sourceRef="StartEvent_1" targetRef="Activity_1"/>
    <bpmn:task id="Activity_1">{association}</bpmn:task>
    <bpmn:sequenceFlow id="Flow_9" sourceRef="Activity_1" targetRef="Event_1"/>
    <bpmn:endEvent id="Event_1"/>
    <bpmn:dataStoreReference id="DataStoreReference_1" dataStoreRef="FinancialAccountingSystem"/>
    <bpmn:association id="Association_1" sourceRef="DataStoreReference_1" targetRef="Activity_1"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_data_store_drawn_for_the_reader_is_documentation():
    assert validate_files({"bpmn/s.bpmn": STORE.format(association="")}) == []


def test_a_task_that_would_read_a_data_store_is_refused():
    reads = ('<bpmn:property id="Property_1" name="__targetRef_placeholder"/>'
             '<bpmn:dataInputAssociation id="DataInputAssociation_1"><bpmn:sourceRef>DataStoreReference_1'
             "</bpmn:sourceRef><bpmn:targetRef>Property_1</bpmn:targetRef></bpmn:dataInputAssociation>")
    assert [str(p) for p in validate_files({"bpmn/s.bpmn": STORE.format(association=reads)})] == [
        "bpmn/s.bpmn:8: Activity_1: reading or writing a data store is not done by Handoff; an operator service "
        'task (camunda:type="external") can fetch or push the data']


def test_juel_conditions_are_checked_for_an_answer_no_flow_takes():
    diagram = HEAD.replace('<bpmn:startEvent id="StartEvent_1"/>', "") .replace(
        '<bpmn:sequenceFlow id="Flow_0" sourceRef="StartEvent_1" targetRef="Activity_1"/>',
        '<bpmn:startEvent id="StartEvent_1"/><bpmn:sequenceFlow id="Flow_0" sourceRef="StartEvent_1" '
        'targetRef="Task_1"/><bpmn:userTask id="Task_1" camunda:formKey="decide.json" camunda:candidateGroups="sales"/>'
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="Task_1" targetRef="Activity_1"/>') + (
        '<bpmn:exclusiveGateway id="Activity_1"/>'
        '<bpmn:sequenceFlow id="Flow_8" sourceRef="Activity_1" targetRef="Event_1"><bpmn:conditionExpression '
        """xsi:type="bpmn:tFormalExpression">${decision eq 'approve'}</bpmn:conditionExpression></bpmn:sequenceFlow>"""
        '<bpmn:sequenceFlow id="Flow_9" sourceRef="Activity_1" targetRef="Event_1"><bpmn:conditionExpression '
        'xsi:type="bpmn:tFormalExpression">${decision == "reject"}</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:endEvent id="Event_1"/></bpmn:process></bpmn:definitions>')
    form = '{"type": "object", "properties": {"decision": {"enum": ["approve", "reject", "later"]}}}'
    problems = [str(p) for p in validate_files({"bpmn/g.bpmn": diagram, "forms/decide.json": form})]
    assert any("Activity_1: when decision is 'later' no outgoing flow is taken; add a default flow" in p
               for p in problems), problems
