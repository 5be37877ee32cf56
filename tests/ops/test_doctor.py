"""`handoff doctor` as an operator runs it: plain words, a fix for each problem, exit 1 when anything is wrong."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from rq import SimpleWorker

from service.cli import main
from service.clock import utcnow
from service.flows import instances
from service.jobs import heartbeat
from service.store.db import make_engine
from service.store.migrate import upgrade
from tests.support import deploy_fixtures


def doctor(config, **overrides):
    env = {"DATABASE_URL": config.database_url, "REDIS_URL": config.redis_url, "HANDOFF_QUEUE_PREFIX": "test",
           "HANDOFF_DATA_DIR": str(config.data_dir), "HANDOFF_LOG_LEVEL": "WARNING", **overrides}
    result = CliRunner().invoke(main, ["doctor"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def verdicts(output: str) -> dict[str, str]:
    """{check name: ok | PROBLEM | skipped}."""
    return {line.split()[1]: line.split()[0] for line in output.splitlines()
            if line.split() and line.split()[0] in ("ok", "PROBLEM", "skipped")}


@contextmanager
def a_worker_and_a_sweeper(services):
    config = services.config
    worker = SimpleWorker([config.timer_queue, config.outbox_queue], connection=services.redis)
    worker.register_birth()
    heartbeat.beat(services.redis, config.queue_prefix, heartbeat.SWEEPER, ttl_s=30, name="sweeper-host:1")
    try:
        yield
    finally:
        worker.register_death()


def test_a_healthy_setup_is_all_good_with_exit_0(services, config):
    deploy_fixtures(services)
    with a_worker_and_a_sweeper(services):
        code, output = doctor(config)
    assert code == 0, output
    assert verdicts(output) == dict.fromkeys(
        ["database", "migrations", "processes", "timers", "redis", "workers", "sweeper"], "ok")
    assert "1 alive (sweeper-host:1)" in output
    assert output.splitlines()[-1] == "all good"


def test_no_worker_and_no_sweeper_are_problems_and_timers_go_late(services, config):
    deploy_fixtures(services)
    instances.start_process(services, "wait_then_finish", {"wait_for": "PT1S"})
    with freeze_time(utcnow() + timedelta(minutes=5)):
        code, output = doctor(config)
    assert code == 1
    assert verdicts(output)["workers"] == verdicts(output)["sweeper"] == verdicts(output)["timers"] == "PROBLEM"
    assert "no RQ worker is running: timers will not fire and messages stay unsent" in output
    assert "fix: start one or more with `handoff worker`" in output
    assert "fix: start `handoff sweeper`" in output
    assert "1 instance(s) have a timer due over a minute ago that has not fired" in output
    assert output.splitlines()[-1] == "3 problem(s): timers, workers, sweeper"


def test_a_worker_on_the_timer_queue_only_leaves_messages_unsent(services, config):
    deploy_fixtures(services)
    worker = SimpleWorker([config.timer_queue], connection=services.redis)
    worker.register_birth()
    try:
        code, output = doctor(config)
    finally:
        worker.register_death()
    assert code == 1
    assert "no RQ worker listens on test-outbox" in output


@pytest.mark.parametrize("url, words", [
    ("postgresql://postgres@127.0.0.1:5432/handoff_ops_no_such_db", "cannot connect to the database at"),
    ("sqlite:///{tmp}/typo/handoff.db", "there is no SQLite database at"),
])
def test_a_wrong_database_url_says_so_and_skips_what_needs_it(config, redis_client, tmp_path, url, words):
    code, output = doctor(config, DATABASE_URL=url.format(tmp=tmp_path))
    assert code == 1
    assert words in output and "fix: check DATABASE_URL" in output
    assert verdicts(output)["migrations"] == verdicts(output)["processes"] == "skipped"
    assert not (tmp_path / "typo").exists()  # the doctor never creates a database


def test_an_unmigrated_database_asks_for_db_upgrade(config, redis_client, tmp_path):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    code, output = doctor(config, DATABASE_URL=f"sqlite:///{empty}")
    assert code == 1
    assert "PROBLEM  migrations" in output and "the database has no Handoff tables yet" in output
    assert "fix: run `handoff db upgrade`" in output


def test_a_database_behind_on_migrations_names_the_missing_ones(config, redis_client, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0002")
    engine.dispose()
    code, output = doctor(config, DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}")
    assert code == 1
    assert "migration(s) not applied: 0003" in output


def test_unreachable_redis_says_so_and_skips_workers_and_sweeper(services, config):
    deploy_fixtures(services)
    code, output = doctor(config, REDIS_URL="redis://127.0.0.1:1/0")
    assert code == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in output and "fix: check REDIS_URL" in output
    assert verdicts(output)["workers"] == verdicts(output)["sweeper"] == "skipped"
    assert verdicts(output)["database"] == "ok"


def test_no_redis_url_explains_that_the_embedded_one_is_the_demos_own(services, config):
    code, output = doctor(config, REDIS_URL="")
    assert code == 1
    assert "REDIS_URL is not set and no `handoff demo` runs on" in output
    assert "fix: start `handoff demo`" in output and "or set REDIS_URL=redis://HOST:6379/0" in output
