"""Event sub-processes started by an error (interrupting), an escalation or a timer (non-interrupting), and an
interrupting timer event sub-process; timers fire on a real RQ worker, freezegun moves the clock
(diagrams in tests/fixtures/constructs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from lxml import etree

from tests.constructs import CONSTRUCTS, deploy_constructs, do, open_elements, rows, start, status
from tests.support import events, instance, run_jobs

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(services):
    return deploy_constructs(services)


def test_error_end_event_starts_the_interrupting_error_event_sub_process(services, people):
    with freeze_time(T0):
        instance_id = start(services, people, "construct_event_subprocesses", who="delivery")
        assert open_elements(services, instance_id) == ["work"]
        assert instance(services, instance_id).next_wakeup_at == T0 + timedelta(hours=2)
        do(services, people, instance_id, "work", "delivery", {"outcome": "failed"})
        assert open_elements(services, instance_id) == ["recover"]  # the work is over, the recovery is not
        do(services, people, instance_id, "recover", "delivery", {"done": True})
        assert status(services, instance_id) == "completed"
        assert instance(services, instance_id).next_wakeup_at is None  # the 2 h listener ended with its process


def test_escalation_starts_a_non_interrupting_event_sub_process(services, people):
    with freeze_time(T0):
        instance_id = start(services, people, "construct_event_subprocesses", who="delivery")
        do(services, people, instance_id, "work", "delivery", {"outcome": "done"})
        assert open_elements(services, instance_id) == ["close_work", "note_report"]
        do(services, people, instance_id, "note_report", "delivery", {"done": True})
        assert status(services, instance_id) == "running"
        do(services, people, instance_id, "close_work", "delivery", {"done": True})
        assert status(services, instance_id) == "completed"


def test_timer_starts_a_non_interrupting_event_sub_process_at_its_time(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "construct_event_subprocesses", who="delivery")
        clock.move_to(T0 + timedelta(hours=2) - timedelta(seconds=1))
        run_jobs(services)
        assert open_elements(services, instance_id) == ["work"]

        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        run_jobs(services)
        assert [e.element_id for e in events(services, "timer_fired", instance_id)] == [start_event_of("on_slow")]
        assert open_elements(services, instance_id) == ["nudge", "work"]  # the work goes on
        do(services, people, instance_id, "nudge", "delivery", {"done": True})
        do(services, people, instance_id, "work", "delivery", {"outcome": "done"})
        do(services, people, instance_id, "note_report", "delivery", {"done": True})
        do(services, people, instance_id, "close_work", "delivery", {"done": True})
        assert status(services, instance_id) == "completed"


def test_interrupting_timer_event_sub_process_cancels_the_open_task(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "construct_timer_event_subprocess")
        assert open_elements(services, instance_id) == ["answer"]
        clock.move_to(T0 + timedelta(days=1, seconds=1))
        run_jobs(services)
        assert [r.status for r in rows(services, instance_id, "answer")] == ["cancelled"]
        assert open_elements(services, instance_id) == ["answer_late"]
        do(services, people, instance_id, "answer_late", "rep", {"done": True})
        assert status(services, instance_id) == "completed"


def test_answered_in_time_the_timer_never_fires(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "construct_timer_event_subprocess")
        do(services, people, instance_id, "answer", "rep", {"done": True})
        assert status(services, instance_id) == "completed"
        assert instance(services, instance_id).next_wakeup_at is None
        clock.move_to(T0 + timedelta(days=2))
        run_jobs(services)
        assert events(services, "timer_fired", instance_id) == []


def start_event_of(sub_process_id: str) -> str:
    """The id Camunda Modeler gave the start event of an event sub-process of the diagram."""
    root = etree.parse(str(CONSTRUCTS / "bpmn" / "event_subprocesses.bpmn"))
    return root.xpath("//bpmn:subProcess[@id=$sp]/bpmn:startEvent/@id", sp=sub_process_id,
                      namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"})[0]
