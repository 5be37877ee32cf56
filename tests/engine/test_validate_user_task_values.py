"""Issue 9.3 at validate time: due dates, candidate groups, assignees and timers a designer can fix now.

Each of these passed `handoff bpmn validate` and the deploy, then failed (or hung) every start.
"""

from __future__ import annotations

import time

import pytest

from service.engine.validate import validate_files
from tests.modeler import FORM, FORM_KEY, timer_process, user_task_process

D = "write an ISO 8601 duration such as PT24H"


def problems(text: str) -> list[str]:
    return [str(p) for p in validate_files({"bpmn/p.bpmn": text, f"forms/{FORM_KEY}": FORM})]


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


@pytest.mark.parametrize(("attributes", "message"), [
    ({"dueDate": "PT24Hours"}, f"camunda:dueDate 'PT24Hours' is not ISO 8601; {D}"),
    ({"dueDate": "tomorrow"}, f"camunda:dueDate 'tomorrow' is not ISO 8601; {D} or an ISO 8601 date-time such as "
                              "2026-05-04T17:00:00Z"),
    ({"dueDate": "P200Y"}, "camunda:dueDate 'P200Y' is longer than 100 years"),
    ({"dueDate": "3000-01-01T00:00:00Z"}, "camunda:dueDate '3000-01-01T00:00:00Z' is more than 100 years away"),
    ({"followUpDate": "next week"}, f"camunda:followUpDate 'next week' is not ISO 8601; {D}"),
    ({"dueDate": "${deadline +}"},
     "camunda:dueDate expression '${deadline +}' is neither JUEL nor Python: unexpected 'end of the expression'"),
    ({"candidateGroups": "${groups[}"}, "camunda:candidateGroups expression '${groups[}' is neither JUEL nor Python"),
    ({"assignee": "${owner) }"},
     "camunda:assignee expression '${owner) }' is neither JUEL nor Python: unexpected ')' at column 6"),
    ({"candidateGroups": "team-${region}"}, "camunda:candidateGroups 'team-${region}' mixes text and ${...}"),
    ({"candidateGroups": " , "}, "camunda:candidateGroups is empty: name a group"),
    ({"assignee": "x" * 201}, "camunda:assignee has a name longer than 200 characters"),
])
def test_a_bad_user_task_value_is_reported_at_its_line(attributes, message):
    text = user_task_process("p", attributes)
    found = problems(text)
    line = line_of(text, 'id="Activity_0task01"')
    assert any(p.startswith(f"bpmn/p.bpmn:{line}: Activity_0task01: {message}") for p in found), found


@pytest.mark.parametrize("attributes", [
    {"dueDate": "PT24H"}, {"dueDate": "P3D"}, {"dueDate": "2026-05-04T17:00:00Z"}, {"dueDate": "${deadline}"},
    {"dueDate": "${business_hours('PT24H', 'shanghai')}"}, {"candidateGroups": "legal, finance"},
    {"candidateGroups": "${routing['groups']}"}, {"assignee": "${initiator}"}, {"assignee": "rep"},
])
def test_good_user_task_values_pass(attributes):
    assert problems(user_task_process("p", attributes)) == []


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("timeDuration", '"PT24Hours"', f"timer duration 'PT24Hours' is not ISO 8601; {D}"),
    ("timeDuration", '"P100000000Y"', "timer duration 'P100000000Y' is longer than 100 years"),
    ("timeCycle", '"R/P100000000Y"', "timer cycle 'R/P100000000Y' reaches more than 100 years away"),
    ("timeDate", '"tomorrow"', "timer date 'tomorrow' is not ISO 8601"),
])
def test_a_bad_literal_timer_is_reported_at_once(kind, value, message):
    text = timer_process("p", kind, value)
    began = time.monotonic()
    found = problems(text)
    assert time.monotonic() - began < 10  # R/P100000000Y held the validator for ever
    line = line_of(text, f"<bpmn:{kind}")
    assert found == [f"bpmn/p.bpmn:{line}: Event_0wait001: {message}"] or any(
        p.startswith(f"bpmn/p.bpmn:{line}: Event_0wait001: {message}") for p in found), found
