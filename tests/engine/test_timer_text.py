"""Timer text is read once, at parse time, as Camunda 7 reads it; Python timers stay exactly as written."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)

from service.engine.parser import HandoffParser
from service.engine.timer_text import timer_source
from tests.support import FIXTURES


@pytest.mark.parametrize(("text", "source"), [
    ("PT5M", "'PT5M'"),
    ("\n   PT5M\n ", "'PT5M'"),
    ("2026-12-24T09:00:00Z", "'2026-12-24T09:00:00Z'"),
    ("R3/PT10M", "'R3/PT10M'"),
    ("R/2026-05-04T09:00:00Z/P1D", "'R/2026-05-04T09:00:00Z/P1D'"),
    ("${duration}", "duration"),
    ("${dateTime().plusDays(1).toDate()}", '"P1D"'),
    ('${business_hours("PT24H")}', 'business_hours("PT24H")'),
    ('"PT24H"', '"PT24H"'),
    ('business_hours("PT24H")', 'business_hours("PT24H")'),
    ("wait_for", "wait_for"),
    ('f"PT{hours}H"', 'f"PT{hours}H"'),
])
def test_timer_source(text, source):
    assert timer_source(text) == source


def _definitions(path) -> dict[str, object]:
    parser = HandoffParser()
    parser.add_bpmn_file(str(path))
    found = {}
    for process_id in parser.get_process_ids():
        for spec in parser.get_spec(process_id).task_specs.values():
            definition = getattr(spec, "event_definition", None)
            if definition is not None and hasattr(definition, "expression"):
                found[spec.bpmn_id] = definition
    return found


def test_the_parser_reads_camunda_modeler_timers():
    found = _definitions(FIXTURES / "camunda_timers" / "bpmn" / "camunda_timers.bpmn")
    assert (type(found["Event_0late"]), found["Event_0late"].expression) == (DurationTimerEventDefinition, "'PT5M'")
    assert (type(found["Event_0eve"]), found["Event_0eve"].expression) == (
        TimeDateEventDefinition, "'2026-12-24T09:00:00Z'")
    assert (type(found["Event_0remind"]), found["Event_0remind"].expression) == (
        CycleTimerEventDefinition, "'R2/PT1H'")
    assert found["Event_0var"].expression == "duration"
    # Camunda's "a day from now" in a timeDate is a day after the timer starts: a duration timer
    assert (type(found["Event_0tomorrow"]), found["Event_0tomorrow"].expression) == (
        DurationTimerEventDefinition, '"P1D"')


def test_quoted_python_timers_are_parsed_as_written():
    found = _definitions(FIXTURES / "bpmn" / "timers.bpmn")
    assert sorted(d.expression for d in found.values()) == ['"PT1H"', '"PT72H"', '"R/PT24H"']
