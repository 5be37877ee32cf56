"""Timers as Camunda Modeler writes them: unquoted ISO 8601 literals and JUEL, fired by the real alarm jobs.

Jobs run on a real RQ worker against a real Redis; freezegun moves the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from service.flows import instances
from tests.support import FIXTURES, deploy_fixtures, events, instance, open_tasks, run_jobs, seed, task_by_element

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(services):
    deploy_fixtures(services, FIXTURES / "camunda_timers")
    return seed(services)


def start(services, people, process_id, data=None) -> int:
    return instances.start_process(services, process_id, data or {}, actor_id=people["delivery"]).instance_id


def fired(services, instance_id) -> list[str]:
    return [e.element_id for e in events(services, "timer_fired", instance_id)]


def test_unquoted_boundary_duration_fires_after_five_minutes(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "timer_boundary_unquoted")
        assert instance(services, instance_id).next_wakeup_at == T0 + timedelta(minutes=5)
        clock.move_to(T0 + timedelta(minutes=5) - timedelta(seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == []
        clock.move_to(T0 + timedelta(minutes=5, seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == ["Event_0late"]
        assert task_by_element(services, instance_id, "Activity_0review").status == "cancelled"
        assert instance(services, instance_id).status == "completed"


def test_unquoted_date_fires_at_that_moment(services, people):
    eve = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "timer_date_unquoted")
        assert instance(services, instance_id).next_wakeup_at == eve
        clock.move_to(eve - timedelta(seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == []
        clock.move_to(eve + timedelta(seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == ["Event_0eve"]
        assert instance(services, instance_id).status == "completed"


def test_unquoted_cycle_fires_twice_an_hour_apart_then_stops(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "timer_cycle_unquoted")
        for hours in (1, 2, 3, 4):
            clock.move_to(T0 + timedelta(hours=hours, seconds=1))
            run_jobs(services)
        assert fired(services, instance_id) == ["Event_0remind", "Event_0remind"]
        assert [t.element_id for t in open_tasks(services, instance_id)] == ["Activity_0wait"]


def test_juel_duration_variable_and_date_time_idiom(services, people):
    with freeze_time(T0) as clock:
        instance_id = start(services, people, "timer_juel", {"duration": "PT10M"})
        assert instance(services, instance_id).next_wakeup_at == T0 + timedelta(minutes=10)
        clock.move_to(T0 + timedelta(minutes=10, seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == ["Event_0var"]
        later = T0 + timedelta(minutes=10, seconds=1, days=1)
        assert instance(services, instance_id).next_wakeup_at == later
        clock.move_to(later + timedelta(seconds=1))
        run_jobs(services)
        assert fired(services, instance_id) == ["Event_0var", "Event_0tomorrow"]
        assert instance(services, instance_id).status == "completed"
