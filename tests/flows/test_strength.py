"""The `strength` of notify/escalate: escalations are strong unless the diagram says normal; nothing else goes."""

from __future__ import annotations

import pytest

from service.engine.specs import OperatorCall
from service.flows.errors import ProcessFailed
from service.flows.operators.messaging import RESERVED, _strength


def _call(topic: str, **params) -> OperatorCall:
    return OperatorCall(topic, params, "urge", "t1")


@pytest.mark.parametrize(("kind", "params", "expected"), [
    ("notify", {}, "normal"), ("escalate", {}, "strong"), ("notify", {"strength": "strong"}, "strong"),
    ("escalate", {"strength": "normal"}, "normal"), ("notify", {"strength": " Strong "}, "strong"),
])
def test_the_strength_a_diagram_asks_for(kind, params, expected):
    assert _strength(_call(kind, **params), kind) == expected


def test_an_unknown_strength_stops_the_step_naming_it():
    with pytest.raises(ProcessFailed, match="service task urge: strength must be strong or normal, not 'loud'"):
        _strength(_call("notify", strength="loud"), "notify")


def test_strength_is_not_one_of_the_message_facts():
    assert "strength" in RESERVED
