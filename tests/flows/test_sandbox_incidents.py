"""Issue 13.3 through the flows: designer code that bypassed validation fails cleanly and never runs.

The version rows are written straight into the database, as a bypass of deploy would; the
shell command in them would create a marker file.
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest
from freezegun import freeze_time

from service.clock import utcnow
from service.flows import instances, timers
from service.flows.errors import ProcessFailed
from service.store.models import Instance, ProcessVersion
from tests.support import count, instance

MARKER = "/tmp/handoff-sandbox-flows-escaped"
SHELL = f"__import__('os').system('touch {MARKER}')"
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="w">
      <bpmn:timeDuration>{wait}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="work"/>
    <bpmn:scriptTask id="work"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def bypass_deploy(services, pid: str, wait: str, script: str) -> None:
    with services.sessions() as session:
        session.add(ProcessVersion(process_id=pid, version=1, name=pid, deployed_at=utcnow(), deployed_by="bypass",
                                   content_hash=hashlib.sha256(pid.encode()).hexdigest(),
                                   files={f"bpmn/{pid}.bpmn": DIAGRAM.format(pid=pid, wait=wait, script=script)}))
        session.commit()


@pytest.fixture(autouse=True)
def no_marker():
    if os.path.exists(MARKER):
        os.remove(MARKER)
    yield
    assert not os.path.exists(MARKER), "the designer's code ran"


def test_a_shell_in_a_timer_refuses_the_start_and_leaves_nothing(services):
    bypass_deploy(services, "timer_shell", SHELL, "x = 1")
    with pytest.raises(ProcessFailed) as failed:
        instances.start_process(services, "timer_shell", {})
    assert failed.value.http_status == 422 and "names starting with _ are not allowed" in failed.value.message
    assert count(services, Instance) == 0


def test_a_shell_in_a_script_reached_by_a_timer_becomes_an_incident(services):
    bypass_deploy(services, "script_shell", '"PT1H"', f"x = {SHELL}")
    start = utcnow()
    with freeze_time(start) as clock:
        started = instances.start_process(services, "script_shell", {})
        clock.move_to(start + timedelta(hours=1, seconds=1))
        assert timers.fire_due_timers(services, started.instance_id).outcome == "failed"
    failed = instance(services, started.instance_id)
    assert failed.status == "error" and "names starting with _ are not allowed" in failed.error


def test_an_endless_script_is_stopped_and_becomes_an_incident(services):
    bypass_deploy(services, "endless", '"PT1H"', "i = 0\nwhile i >= 0:\n    i += 1")
    start = utcnow()
    with freeze_time(start) as clock:
        started = instances.start_process(services, "endless", {})
        clock.move_to(start + timedelta(hours=1, seconds=1))
        assert timers.fire_due_timers(services, started.instance_id).outcome == "failed"
    assert "steps" in instance(services, started.instance_id).error
