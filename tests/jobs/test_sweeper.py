"""Redis may lose everything: the sweeper rebuilds every pending alarm from the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from service.flows import instances
from service.jobs.sweeper import sweep
from service.store.models import AuditEvent, Instance
from tests.support import deploy_fixtures, run_jobs

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WAITING = 1000


def test_redis_flushed_while_1000_timers_wait_all_fire_once_after_the_sweep(services):
    deploy_fixtures(services)
    with freeze_time(T0) as clock:
        for i in range(WAITING):
            instances.start_process(services, "wait_then_finish", {"wait_for": f"PT{60 + i % 7}M"})
        services.redis.flushdb()  # Redis forgets every alarm

        clock.move_to(T0 + timedelta(hours=2))
        assert run_jobs(services) == 0  # nothing left in Redis to ring
        result = sweep(services)
        assert result.scheduled == WAITING
        run_jobs(services)

    with services.sessions() as session:
        fired = dict(session.execute(select(AuditEvent.instance_id, func.count()).where(
            AuditEvent.kind == "timer_fired").group_by(AuditEvent.instance_id)).all())
        statuses = dict(session.execute(select(Instance.status, func.count()).group_by(Instance.status)).all())
    assert len(fired) == WAITING and set(fired.values()) == {1}
    assert statuses == {"completed": WAITING}


def test_the_sweeper_does_not_duplicate_alarms_redis_still_holds(services):
    deploy_fixtures(services)
    with freeze_time(T0):
        started = instances.start_process(services, "wait_then_finish", {"wait_for": "PT30S"})
        result = sweep(services)
    assert (result.scheduled, result.skipped) == (0, 1)
    with freeze_time(T0 + timedelta(seconds=31)):
        run_jobs(services)
        assert sweep(services).scheduled == 0
    with services.sessions() as session:
        assert session.get(Instance, started.instance_id).status == "completed"


def test_sweep_only_looks_at_the_near_future(services):
    deploy_fixtures(services)
    with freeze_time(T0):
        instances.start_process(services, "wait_then_finish", {"wait_for": "PT5H"})
        services.redis.flushdb()
        assert sweep(services).scheduled == 0  # far away: re-armed on a later sweep
    with freeze_time(T0 + timedelta(hours=4, minutes=59, seconds=30)):
        assert sweep(services).scheduled == 1
