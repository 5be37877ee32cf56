"""Issue 13.7: deploy checks everything a worker will load - start forms too, every form and decision.

A start-event form that is missing, not JSON, not a JSON Schema or absurdly nested used to
deploy; then every start answered 500 and every worker died at start-up.
"""

from __future__ import annotations

import json

import pytest

from service.engine.bundle import Bundle
from service.flows.deploy import deploy, load_problems
from service.flows.errors import DeployInvalid
from service.store.models import ProcessVersion
from tests.support import count

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://handoff.example/t">
  <bpmn:process id="starts" isExecutable="true">
    <bpmn:startEvent id="start" camunda:formKey="s/start.json"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{target}"/>
    {task}
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
NO_TASK = {"target": "end", "task": ""}
DECISION = {"target": "decide", "task": '<bpmn:businessRuleTask id="decide" camunda:decisionRef="missing"/>'
                                         '<bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>'}
GOOD_FORM = json.dumps({"type": "object", "properties": {"customer": {"type": "string"}}})
CASES = {
    "missing": ({}, NO_TASK, "bpmn/starts.bpmn:5: start: form file 's/start.json' does not exist"),
    "not json": ({"forms/s/start.json": "{not json"}, NO_TASK, "forms/s/start.json:1: -: invalid JSON"),
    "not a schema": ({"forms/s/start.json": '{"type": 5}'}, NO_TASK, "not a valid JSON Schema"),
    "too deep": ({"forms/s/start.json": "[" * 40 + "]" * 40}, NO_TASK, "nested 40 levels deep (at most 32)"),
    "recursion": ({"forms/s/start.json": "[" * 100_000 + "]" * 100_000}, NO_TASK,
                  "invalid JSON: nested too deeply to be read"),
    "missing decision": ({"forms/s/start.json": GOOD_FORM}, DECISION,
                         "decide: decision missing is not in any DMN file"),
}


@pytest.mark.parametrize("name", CASES)
def test_deploy_refuses_what_a_worker_could_not_load(services, name):
    forms, shape, message = CASES[name]
    files = {"bpmn/starts.bpmn": DIAGRAM.format(**shape), **forms}
    with pytest.raises(DeployInvalid) as refused:
        deploy(services, files, "designer")
    assert any(message in str(p) for p in refused.value.problems), refused.value.problems
    assert count(services, ProcessVersion) == 0


def test_a_good_start_form_deploys(services):
    [deployed] = deploy(services, {"bpmn/starts.bpmn": DIAGRAM.format(**NO_TASK), "forms/s/start.json": GOOD_FORM})
    assert deployed.created


def test_the_last_check_is_loading_each_bundle_as_the_worker_does(services):
    bundle = Bundle("starts", "starts", {"bpmn/starts.bpmn": DIAGRAM.format(**NO_TASK),
                                         "forms/s/start.json": "{not json"})
    [problem] = load_problems(services, [bundle])
    assert str(problem) == ("bpmn/starts.bpmn:4: starts: a worker could not load this process: "
                            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
