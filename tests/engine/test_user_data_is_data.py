"""Issue 13.2: no value a person or an integration sends is read back as a typed object.

SpiffWorkflow's serializer restores any dict with a ``typename`` key as the registered type
of that name. Each test puts such dicts (every name the registry knows, and names it does
not) into the engine's state the way the service does and checks they come back exactly.
"""

from __future__ import annotations

import json

import pytest

from service.engine.bundle import Bundle
from service.engine.library import SpecLibrary
from service.engine.runner import Engine
from service.engine.serializer import make_serializer
from service.engine.user_data import ESCAPED, escape

WAIT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:message id="m_nudge" name="nudge"/>
  <bpmn:process id="waits" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="nudged"/>
    <bpmn:intermediateCatchEvent id="nudged"><bpmn:messageEventDefinition messageRef="m_nudge"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="nudged" targetRef="later"/>
    <bpmn:intermediateCatchEvent id="later">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="later" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def registered_typenames() -> list[str]:
    return sorted(make_serializer(SpecLibrary()).registry.convert_from_dict)


TYPENAMES = registered_typenames() + ["NoSuchType", "", None, 7, ESCAPED]


def hostile(typename) -> dict:
    """A user's dict that uses every key a restoring function reads, and the reserved one."""
    return {"name": "Ann", "role": "cio", "typename": typename, "value": "2026-01-01T00:00:00",
            "days": 1, "seconds": 2, "items": {"typename": typename}}


@pytest.fixture
def engine():
    library = SpecLibrary()
    parsed = library.add(Bundle("waits", "waits", {"bpmn/waits.bpmn": WAIT}))
    return Engine(library), parsed.ref


def test_the_registry_knows_the_types_the_issue_names():
    assert {"UUID", "datetime", "timedelta", "BpmnWorkflow"} <= set(TYPENAMES)


@pytest.mark.parametrize("typename", TYPENAMES, ids=str)
def test_start_data_and_a_message_payload_round_trip_exactly(engine, typename):
    engine, ref = engine
    sent = {"decision_makers": [hostile(typename), {"name": "Bo"}], "typename": typename,
            "nested": {"deeper": [[hostile(typename)]]}}
    workflow = engine.start(ref, json.loads(json.dumps(sent)), lambda call: None)
    restored = engine.restore(engine.dump(workflow))
    assert {k: restored.last_task.data[k] for k in sent} == sent

    message = {"answer": {"changed": hostile(typename)}, "typename": typename}  # merged into the data
    engine.deliver_message(restored, "nudge", json.loads(json.dumps(message)), lambda call: None)
    again = engine.restore(engine.dump(restored))
    snapshot = engine.snapshot(again)
    assert snapshot.pending_timers, "the timer after the message is armed and readable"
    assert {k: snapshot.data[k] for k in sent} == sent
    assert snapshot.data["answer"] == {"changed": hostile(typename)}
    assert engine.dump(again) == engine.dump(engine.restore(engine.dump(again)))


def test_update_data_round_trips(engine):
    engine, ref = engine
    workflow = engine.start(ref, {}, lambda call: None)
    engine.update_data(workflow, {"customer": {"typename": "datetime", "value": "2026-01-01T00:00:00"}})
    restored = engine.restore(engine.dump(workflow))
    assert engine.snapshot(restored).data["customer"] == {"typename": "datetime", "value": "2026-01-01T00:00:00"}


def test_real_typed_values_inside_a_user_dict_stay_typed(engine):
    from datetime import UTC, datetime, timedelta
    from uuid import UUID

    engine, ref = engine
    value = {"typename": "UUID", "when": datetime(2026, 1, 2, tzinfo=UTC), "gap": timedelta(hours=3),
             "id": UUID(int=5)}
    workflow = engine.start(ref, {"mixed": value}, lambda call: None)
    assert engine.snapshot(engine.restore(engine.dump(workflow))).data["mixed"] == value


def test_escaping_copies_nothing_when_nothing_is_reserved():
    data = {"a": [1, {"b": 2}], "c": {"d": (3, {"e": 4})}}
    assert escape(data) is data
    escaped = escape({"a": [{"typename": "UUID"}], "plain": {"x": 1}})
    assert escaped["a"][0] == {"typename": ESCAPED, "items": {"typename": "UUID"}}
