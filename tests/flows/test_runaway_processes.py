"""Issue 9.3: a process that never waits is stopped within seconds, with the element, and nothing is kept.

Each diagram validates and deploys; before, each of these starts held the worker for ever
(on SQLite holding the write lock, so every other writer waited too).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from freezegun import freeze_time

from service.clock import utcnow
from service.flows import instances, timers
from service.flows.deploy import deploy
from service.flows.errors import ProcessFailed
from service.store.models import Instance
from tests.modeler import chain, timer_process
from tests.support import count, instance

LOOP = chain("runaway_loop", [
    '<bpmn:startEvent id="StartEvent_1"/>',
    '<bpmn:scriptTask id="Activity_0count1" name="Count" scriptFormat="python">'
    "<bpmn:script>i = i + 1</bpmn:script></bpmn:scriptTask>",
    '<bpmn:exclusiveGateway id="Gateway_0again1" name="Again?" default="Flow_3"/>',
    '<bpmn:endEvent id="Event_0end001"/>',
], extra='\n    <bpmn:sequenceFlow id="Flow_0back01" sourceRef="Gateway_0again1" targetRef="Activity_0count1">'
         '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">i &gt; 0</bpmn:conditionExpression>'
         "</bpmn:sequenceFlow>")
SELF_CALL = chain("calls_itself", [
    '<bpmn:startEvent id="StartEvent_1"/>',
    '<bpmn:callActivity id="Activity_0again1" name="Do it all again" calledElement="calls_itself"/>',
    '<bpmn:endEvent id="Event_0end001"/>',
])
LIMIT_S = 10  # loose: the engine stops within about 2 s; a hang would be for ever


def deploy_one(services, path: str, text: str) -> None:
    deploy(services, {path: text}, "tests")


def timed_start(services, pid: str, data: dict) -> tuple[ProcessFailed, float]:
    began = time.monotonic()
    with pytest.raises(ProcessFailed) as failed:
        instances.start_process(services, pid, data)
    return failed.value, time.monotonic() - began


def test_a_loop_without_a_wait_stops_with_the_element_it_was_at(services):
    deploy_one(services, "bpmn/runaway_loop.bpmn", LOOP)
    error, took = timed_start(services, "runaway_loop", {"i": 0})
    assert took < LIMIT_S
    assert "a loop that never ends" in error.message or "a loop with no wait in it" in error.message  # path or clock
    assert error.details["errors"]["element_id"][0] in ("Activity_0count1", "Gateway_0again1")
    assert count(services, Instance) == 0
    deploy_one(services, "bpmn/runaway_loop.bpmn", LOOP.replace("i &gt; 0", "i &lt; 3"))  # a loop that ends runs
    assert instances.start_process(services, "runaway_loop", {"i": 0}).status == "completed"


def test_a_call_activity_calling_its_own_process_stops_quickly(services):
    deploy_one(services, "bpmn/calls_itself.bpmn", SELF_CALL)
    error, took = timed_start(services, "calls_itself", {})
    assert took < LIMIT_S
    assert "Activity_0again1" in error.message and "does a call activity call its own process?" in error.message
    assert error.details["errors"] == {"element_id": ["Activity_0again1"]}
    assert count(services, Instance) == 0


def test_a_timer_of_a_hundred_million_years_is_an_error_not_a_hang(services):
    deploy_one(services, "bpmn/far.bpmn", timer_process("far", "timeDuration", "wait"))
    error, took = timed_start(services, "far", {"wait": "P100000000Y"})
    assert took < LIMIT_S
    assert error.message.endswith("timer Event_0wait001: timer duration 'P100000000Y' is longer than 100 years")
    started = instances.start_process(services, "far", {"wait": "P99Y"})  # far, but a real date
    assert instance(services, started.instance_id).next_wakeup_at.year == utcnow().year + 99


def test_a_loop_reached_by_a_timer_becomes_an_incident(services):
    files = ({"bpmn/runaway_loop.bpmn": LOOP.replace(
        '<bpmn:startEvent id="StartEvent_1"/>',
        '<bpmn:startEvent id="StartEvent_1"/>\n    <bpmn:intermediateCatchEvent id="Event_0wait001">'
        '<bpmn:timerEventDefinition id="TimerEventDefinition_0a"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>").replace(
        'sourceRef="StartEvent_1" targetRef="Activity_0count1"',
        'sourceRef="Event_0wait001" targetRef="Activity_0count1"/>\n    <bpmn:sequenceFlow id="Flow_0first1" '
        'sourceRef="StartEvent_1" targetRef="Event_0wait001"')})
    deploy(services, files, "tests")
    start = utcnow()
    with freeze_time(start) as clock:
        started = instances.start_process(services, "runaway_loop", {"i": 0})
        clock.move_to(start + timedelta(hours=1, seconds=1))
        assert timers.fire_due_timers(services, started.instance_id).outcome == "failed"
    failed = instance(services, started.instance_id)
    assert failed.status == "error" and "a loop" in failed.error
