"""Migration 0008_groups: tasks opened before it are offered to their one group, as they always were."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select

from service.flows import instances, visibility
from service.store.migrate import alembic_config, upgrade
from service.store.models import Task, TaskGroup
from tests.support import deploy_fixtures, seed, task_by_element


def test_an_open_task_from_before_keeps_its_group_after_the_upgrade(services):
    deploy_fixtures(services)
    people = seed(services)
    started = instances.start_process(services, "timer_demo", {"customer": "ACME"}, actor_id=people["rep"])
    review = task_by_element(services, started.instance_id, "review")
    config = alembic_config(services.db_engine)
    before = ScriptDirectory.from_config(config).get_revision("0008_groups").down_revision
    command.downgrade(config, before)  # the schema before several groups
    upgrade(services.db_engine)
    with services.sessions() as session:
        task = session.get(Task, review.id)
        assert task.candidate_groups == ["delivery"] and task.groups == ["delivery"]
        assert list(session.execute(select(TaskGroup.task_id, TaskGroup.group_name))) == [(review.id, "delivery")]
        offered = visibility.task_lists(session, people["delivery"], "groups", services.clock())
        assert [t.id for t in offered] == [review.id]
