"""Issue 9.3 in the timer job: a designer's expression that fails once a timer fires is an incident.

A real RQ worker runs the job (in this process, so freezegun's clock applies); the instance
is then in ``error`` with the element named, the task it could not open is not written, and
the job is not tried for ever.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from service.flows.deploy import deploy
from service.store.models import Task
from tests.modeler import FORM, FORM_KEY, attrs, chain
from tests.support import count, events, instance, run_jobs

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
HOUR = ('<bpmn:intermediateCatchEvent id="Event_0hour001" name="An hour later"><bpmn:timerEventDefinition '
        'id="TimerEventDefinition_0h"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:intermediateCatchEvent>")


def after_an_hour(pid: str, node: str) -> str:
    return chain(pid, ['<bpmn:startEvent id="StartEvent_1"/>', HOUR, node, '<bpmn:endEvent id="Event_0end001"/>'],
                 lane="sales")


def run_an_hour_later(services, pid: str, text: str, data: dict) -> int:
    deploy(services, {f"bpmn/{pid}.bpmn": text, f"forms/{FORM_KEY}": FORM}, "tests")
    with freeze_time(T0) as clock:
        started = instances.start_process(services, pid, data)
        assert instance(services, started.instance_id).status == "running"
        clock.move_to(T0 + timedelta(hours=1, seconds=1))
        run_jobs(services)
        run_jobs(services)  # nothing is tried again: the incident is final
    return started.instance_id


@pytest.mark.parametrize(("task", "data", "words"), [
    ({"dueDate": "${deadline}"}, {"deadline": "tomorrow"}, "camunda:dueDate '${deadline}' cannot be a due date"),
    ({"candidateGroups": "${reviewers}"}, {}, "camunda:candidateGroups '${reviewers}' failed"),
])
def test_a_user_task_opened_by_a_timer_with_a_failing_expression_is_an_incident(services, task, data, words):
    node = (f'<bpmn:userTask id="Activity_0task01" name="Review" camunda:formKey="{FORM_KEY}"{attrs(task)}/>')
    instance_id = run_an_hour_later(services, "late_task", after_an_hour("late_task", node), data)
    failed = instance(services, instance_id)
    assert failed.status == "error" and failed.next_wakeup_at is None
    assert "Activity_0task01" in failed.error and words in failed.error
    assert count(services, Task) == 0  # the task it could not open is not half there
    [incident] = events(services, "instance_error", instance_id)
    assert words in incident.data["error"]


def test_a_timer_of_a_hundred_million_years_reached_by_a_timer_is_an_incident(services):
    node = ('<bpmn:intermediateCatchEvent id="Event_0wait001" name="Then wait"><bpmn:timerEventDefinition '
            'id="TimerEventDefinition_0w"><bpmn:timeDuration>wait</bpmn:timeDuration></bpmn:timerEventDefinition>'
            "</bpmn:intermediateCatchEvent>")
    instance_id = run_an_hour_later(services, "late_wait", after_an_hour("late_wait", node), {"wait": "P100000000Y"})
    failed = instance(services, instance_id)
    assert failed.status == "error"
    assert "timer Event_0wait001: timer duration 'P100000000Y' is longer than 100 years" in failed.error
