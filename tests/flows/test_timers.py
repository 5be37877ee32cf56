"""Timers fire at their due time, never before; cycles repeat; interrupting timers move the token.

Jobs run on a real RQ worker against a real Redis; freezegun moves the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from rq import Queue
from rq.registry import ScheduledJobRegistry

from service.flows import instances
from service.queues import FIRE_TIMERS, wake_job_id
from tests.support import deploy_fixtures, events, inbox, instance, open_tasks, run_jobs, seed, task_by_element

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(services):
    deploy_fixtures(services)
    return seed(services)


def start_review(services, people) -> int:
    result = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    return result.instance_id


def test_timer_fires_at_due_time_and_not_a_second_before(services, people):
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        due = T0 + timedelta(hours=24)
        assert instance(services, instance_id).next_wakeup_at == due

        clock.move_to(due - timedelta(seconds=1))
        run_jobs(services)
        assert events(services, "timer_fired", instance_id) == []
        assert inbox(services, people["rep"]) == []

        clock.move_to(due + timedelta(milliseconds=1))
        run_jobs(services)
        fired = events(services, "timer_fired", instance_id)
        assert [e.element_id for e in fired] == ["review_reminder"]
        assert fired[0].data["lateness_s"] == 0.001
        messages = inbox(services, people["rep"])
        assert [m.subject for m in messages] == ["Review of ACME is waiting"]


def test_non_interrupting_cycle_reminds_every_24h_until_the_task_completes(services, people):
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        for hours in (24, 48):
            clock.move_to(T0 + timedelta(hours=hours, seconds=1))
            run_jobs(services)
        assert len(events(services, "timer_fired", instance_id)) == 2
        assert len(inbox(services, people["rep"])) == 2

        review = task_by_element(services, instance_id, "review")
        assert review.status == "open"  # reminders do not interrupt
        instances.claim_task(services, review.id, people["delivery"])
        instances.complete_task(services, review.id, people["delivery"], {"approved": True})

        for hours in (72, 96, 120):
            clock.move_to(T0 + timedelta(hours=hours, seconds=2))
            run_jobs(services)
        assert [e.element_id for e in events(services, "timer_fired", instance_id)] == [
            "review_reminder", "review_reminder", "cool_off"]
        assert len(inbox(services, people["rep"])) == 2
        assert [t.element_id for t in open_tasks(services, instance_id)] == ["confirm"]


def test_interrupting_boundary_timer_cancels_the_task_and_moves_the_token(services, people):
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        clock.move_to(T0 + timedelta(hours=72, seconds=1))
        run_jobs(services)
        review = task_by_element(services, instance_id, "review")
        assert review.status == "cancelled"
        assert [(t.element_id, t.candidate_group) for t in open_tasks(services, instance_id)] == [
            ("escalated", "managers")]
        fired = [e.element_id for e in events(services, "timer_fired", instance_id)]
        assert "review_deadline" in fired
        assert instance(services, instance_id).next_wakeup_at is None

        clock.move_to(T0 + timedelta(hours=200))
        run_jobs(services)
        assert fired == [e.element_id for e in events(services, "timer_fired", instance_id)]


def test_an_alarm_that_rings_early_sets_itself_again_and_never_fires_early(services, people):
    """RQ keeps whole seconds, rounded down: its job may start up to a second early."""
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        due = T0 + timedelta(hours=24)
        queue = Queue(services.config.timer_queue, connection=services.redis)
        registry = ScheduledJobRegistry(queue=queue)
        registry.remove(wake_job_id(instance_id, due))

        clock.move_to(due - timedelta(milliseconds=400))
        # What RQ's rounded-down schedule does: the very job, under its own id, starts early.
        queue.enqueue(FIRE_TIMERS, instance_id, job_id=wake_job_id(instance_id, due), result_ttl=0)
        run_jobs(services)
        assert events(services, "timer_fired", instance_id) == []
        [again] = registry.get_job_ids()
        assert again.startswith(wake_job_id(instance_id, due) + "-again-")
        assert services.redis.zscore(registry.key, again) == due.timestamp()

        clock.move_to(due + timedelta(milliseconds=100))
        run_jobs(services)
        assert len(events(services, "timer_fired", instance_id)) == 1


def test_duplicate_and_late_alarms_are_harmless(services, people):
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        clock.move_to(T0 + timedelta(hours=30))
        queue = Queue(services.config.timer_queue, connection=services.redis)
        for _ in range(3):
            queue.enqueue(FIRE_TIMERS, instance_id)
        run_jobs(services)
        assert len(events(services, "timer_fired", instance_id)) == 1
        assert len(inbox(services, people["rep"])) == 1


def test_after_a_long_freeze_a_cycle_reminds_once_not_once_per_missed_day(services, people):
    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        instances.freeze(services, instance_id, "waiting for the product owner", actor_id=people["admin"])
        clock.move_to(T0 + timedelta(days=10, hours=1))
        instances.release(services, instance_id, actor_id=people["admin"])
        run_jobs(services)
        # the 72 h deadline passed during the freeze too: one reminder, then the deadline moves the token
        fired = events(services, "timer_fired", instance_id)
        reminders = [e for e in fired if e.element_id == "review_reminder"]
        assert len(reminders) == 1 and reminders[0].data["skipped"] == 9
        assert len(inbox(services, people["rep"])) == 1
        assert [t.element_id for t in open_tasks(services, instance_id)] == ["escalated"]


def test_a_completion_after_the_deadline_loses_to_the_deadline_and_the_log_says_so(services, people):
    from service.flows.errors import Conflict

    with freeze_time(T0) as clock:
        instance_id = start_review(services, people)
        review = task_by_element(services, instance_id, "review")
        instances.claim_task(services, review.id, people["delivery"])
        clock.move_to(T0 + timedelta(hours=72, seconds=5))  # the alarm has not rung yet
        with pytest.raises(Conflict):
            instances.complete_task(services, review.id, people["delivery"], {"approved": True})
        run_jobs(services)
        assert task_by_element(services, instance_id, "review").status == "cancelled"
        assert "review_deadline" in [e.element_id for e in events(services, "timer_fired", instance_id)]
