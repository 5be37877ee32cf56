"""Issue 9.3 over HTTP: a designer's expression that fails at run time is a clear 422 naming the element.

Every diagram here passes validation (the values come from the data a person starts it with);
before, each start answered 500 ``internal_error``.
"""

from __future__ import annotations

import pytest

from service.store.models import Instance, Task
from tests.modeler import chain, timer_process, upload, user_task_process
from tests.support import count


def deploy(api, files: dict[str, str]) -> None:
    answer = api.client.post("/api/v1/processes/deploy", headers=api.login("designer"),
                             content_type="multipart/form-data", data=upload(files))
    assert answer.status_code == 201, answer.json


def start(api, pid: str, data: dict):
    return api.client.post(f"/api/v1/processes/{pid}/instances", headers=api.login("rep"), json={"data": data})


@pytest.mark.parametrize(("attributes", "data", "words"), [
    ({"dueDate": "${deadline}"}, {"deadline": "PT24Hours"},
     "camunda:dueDate '${deadline}' cannot be a due date: due date 'PT24Hours' is not ISO 8601; "
     "write an ISO 8601 duration such as PT24H"),
    ({"dueDate": "${deadline}"}, {"deadline": "tomorrow"}, "due date 'tomorrow' is not ISO 8601"),
    ({"dueDate": "${deadline}"}, {"deadline": "P100000000Y"}, "is longer than 100 years"),
    ({"dueDate": "${deadline}"}, {"deadline": 7}, "due date 7 is not a text"),
    ({"dueDate": "${deadline}"}, {}, "camunda:dueDate '${deadline}' failed: deadline is not in the process data "
                                     "(it holds: initiator)"),
    ({"candidateGroups": "${reviewers}"}, {}, "camunda:candidateGroups '${reviewers}' failed: reviewers is not in"),
    ({"candidateGroups": "${reviewers}"}, {"reviewers": 42}, "it must give a group name or a list of names"),
    ({"candidateGroups": "${reviewers}"}, {"reviewers": []}, "gave no group"),
    ({"assignee": "${owner.name}"}, {"owner": "x"},
     "camunda:assignee '${owner.name}' failed: string indices must be integers, not 'str'"),
    ({"assignee": "${owners}"}, {"owners": ["rep", "rep2"]}, "it must give one username"),
])
def test_a_failing_user_task_expression_refuses_the_start_with_the_element(api, services, attributes, data, words):
    deploy(api, {"bpmn/exprs.bpmn": user_task_process("exprs", attributes)})
    answer = start(api, "exprs", data)
    assert answer.status_code == 422, answer.json
    assert answer.json["code"] == "process_failed"
    assert "Activity_0task01" in answer.json["message"] and words in answer.json["message"]
    assert answer.json["errors"] == {"element_id": ["Activity_0task01"]}
    assert count(services, Instance) == 0 and count(services, Task) == 0  # nothing half-written


def test_the_same_process_starts_with_data_its_expressions_can_use(api, services):
    deploy(api, {"bpmn/exprs.bpmn": user_task_process("exprs", {"dueDate": "${deadline}"})})
    assert start(api, "exprs", {"deadline": "PT24Hours"}).status_code == 422
    answer = start(api, "exprs", {"deadline": "PT24H"})
    assert answer.status_code == 201, answer.json
    [task] = api.client.get("/api/v1/tasks?scope=groups", headers=api.login("rep")).json
    assert task["element_id"] == "Activity_0task01" and task["due_at"] is not None


@pytest.mark.parametrize(("kind", "value", "words"), [
    ("timeDuration", "wait", "timer duration 'PT24Hours' is not ISO 8601; write an ISO 8601 duration such as PT24H"),
    ("timeDuration", "wait", None),
    ("timeDate", "wait", "timer date 'PT24Hours' is a duration, not a date"),
    ("timeCycle", "wait", "timer cycle 'PT24Hours' is not ISO 8601; write a cycle"),
])
def test_a_timer_expression_giving_no_iso_value_refuses_the_start(api, services, kind, value, words):
    deploy(api, {"bpmn/timer.bpmn": timer_process("timer", kind, value)})
    if words is None:  # a far future as a duration: an error at once, not a worker stepping month by month
        answer, words = start(api, "timer", {"wait": "P100000000Y"}), "is longer than 100 years"
    else:
        answer = start(api, "timer", {"wait": "PT24Hours"})
    assert answer.status_code == 422, answer.json
    assert "Event_0wait001" in answer.json["message"] and words in answer.json["message"]
    assert answer.json["errors"] == {"element_id": ["Event_0wait001"]}
    assert count(services, Instance) == 0


CONDITION = ('<bpmn:sequenceFlow id="Flow_0big001" sourceRef="Gateway_0big001" targetRef="Event_0big001">'
             '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">amount &gt; 1000</bpmn:conditionExpression>'
             '</bpmn:sequenceFlow>\n    <bpmn:endEvent id="Event_0big001"/>')


def test_a_failing_condition_names_its_gateway(api, services):
    text = chain("gate", ['<bpmn:startEvent id="StartEvent_1"/>',
                          '<bpmn:exclusiveGateway id="Gateway_0big001" name="Big?" default="Flow_2"/>',
                          '<bpmn:endEvent id="Event_0end001"/>'], extra="\n    " + CONDITION)
    deploy(api, {"bpmn/gate.bpmn": text})
    answer = start(api, "gate", {"amount": "a lot"})  # a text compared with a number
    assert answer.status_code == 422, answer.json
    assert answer.json["message"].startswith("the process failed at Gateway_0big001: Error evaluating expression")
    assert answer.json["errors"] == {"element_id": ["Gateway_0big001"]}
    assert start(api, "gate", {"amount": 5000}).status_code == 201


def test_a_failing_decision_cell_names_its_task(api, services):
    """A Python output cell that fails at run time (FEEL comparing unlike types is null, it never fails)."""
    from tests.api.test_candidate_groups import DMN, review_process

    python_cell = DMN.replace('<text>["legal", "finance"]</text>',
                              '<text>["legal", "finance"] if amount * 2 &gt; 1000 else ["finance"]</text>') \
        .replace("<text>&gt; 1000</text>", "<text>-</text>")
    assert python_cell != DMN
    deploy(api, {"bpmn/review.bpmn": review_process("review", "${reviewers}", decide=True),
                 "bpmn/reviewers.dmn": python_cell})
    answer = start(api, "review", {"amount": "a lot"})  # "a lota lot" > 1000: a text compared with a number
    assert answer.status_code == 422, answer.json
    assert "Activity_0decide1" in answer.json["message"], answer.json
    assert answer.json["message"].endswith("Business rule task 'Who reviews' ('>' not supported between "
                                           "instances of 'str' and 'int')"), answer.json
    assert answer.json["errors"] == {"element_id": ["Activity_0decide1"]}
    assert count(services, Instance) == 0
    assert start(api, "review", {"amount": 5000}).status_code == 201


def test_a_failing_operator_parameter_names_its_service_task(api, services):
    task = ('<bpmn:serviceTask id="Activity_0note01" name="Note it" camunda:type="external" camunda:topic="record">'
            "<bpmn:extensionElements><camunda:inputOutput>"
            '<camunda:inputParameter name="kind">noted</camunda:inputParameter>'
            '<camunda:inputParameter name="size">${len(items)}</camunda:inputParameter>'
            "</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>")
    deploy(api, {"bpmn/note.bpmn": chain("note", ['<bpmn:startEvent id="StartEvent_1"/>', task,
                                                 '<bpmn:endEvent id="Event_0end001"/>'])})
    answer = start(api, "note", {"items": 3})
    assert answer.status_code == 422, answer.json
    assert answer.json["message"].startswith("the process failed at Activity_0note01: Error evaluating expression")
    assert answer.json["errors"] == {"element_id": ["Activity_0note01"]}
    assert start(api, "note", {"items": [1, 2, 3]}).status_code == 201
