"""Issue 13.7: a version whose files do not load is set aside; the worker stays up and serves the others.

Deploy refuses such files (tests/flows/test_deploy_checks.py); here the rows arrive as a
bypass would put them, straight into the database.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from rq import Worker

from service.clock import utcnow
from service.flows import instances, versions
from service.flows.errors import VersionUnusable
from service.store.models import ProcessVersion
from tests.jobs.test_real_workers import completed, running
from tests.support import deploy_fixtures, wait_until

START_FORM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://handoff.example/t">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:startEvent id="start" camunda:formKey="broken/start.json"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
BROKEN_FORMS = {"broken_json": "{not json", "broken_deep": "[" * 100_000 + "]" * 100_000}


def insert_broken_versions(services) -> dict[str, int]:
    ids = {}
    with services.sessions() as session:
        for pid, form in BROKEN_FORMS.items():
            row = ProcessVersion(process_id=pid, version=1, name=pid, deployed_at=utcnow(), deployed_by="bypass",
                                 content_hash=hashlib.sha256(pid.encode()).hexdigest(),
                                 files={f"bpmn/{pid}.bpmn": START_FORM.format(pid=pid),
                                        "forms/broken/start.json": form})
            session.add(row)
            session.flush()
            ids[pid] = row.id
        session.commit()
    return ids


def reasons(services) -> dict[str, str | None]:
    with services.sessions() as session:
        return {v.process_id: v.unusable_reason for v in session.query(ProcessVersion)}


def test_starting_an_unusable_version_is_a_409_and_it_is_marked(services):
    deploy_fixtures(services)
    insert_broken_versions(services)
    for pid in BROKEN_FORMS:
        with pytest.raises(VersionUnusable) as refused:
            instances.start_process(services, pid, {})
        assert refused.value.http_status == 409 and "cannot be started" in refused.value.message
    marked = reasons(services)
    assert "JSONDecodeError" in marked["broken_json"] and "RecursionError" in marked["broken_deep"]
    assert marked["wait_then_finish"] is None
    with pytest.raises(VersionUnusable):  # marked: refused without parsing again
        instances.start_process(services, "broken_json", {})


def test_preload_sets_broken_versions_aside_and_loads_the_rest(services):
    deploy_fixtures(services)
    insert_broken_versions(services)
    unusable = versions.preload(services)
    assert len(unusable) == 2 and set(reasons(services).values()) - {None}
    assert versions.preload(services) == []  # set aside once, logged once


@pytest.mark.slow
def test_a_real_worker_meets_broken_versions_stays_up_and_fires_another_timer(services, child_env, config):
    deploy_fixtures(services)
    insert_broken_versions(services)  # the newest rows: the first the worker preloads
    with running(child_env, "worker") as [worker]:
        wait_until(lambda: Worker.all(connection=services.redis), timeout_s=30)
        started = instances.start_process(services, "wait_then_finish", {"wait_for": "PT1S"})
        wait_until(lambda: completed(services, started.instance_id), timeout_s=30)
        assert worker.poll() is None, "the worker died"
    marked = reasons(services)
    assert marked["broken_json"] and marked["broken_deep"] and marked["wait_then_finish"] is None
    assert json.dumps(marked)  # the reasons are plain text
