"""The validator reports every problem of a diagram, with its line, and never raises."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from service.engine.validate import Problem, validate, validate_files
from service.engine.validate_values import timer_problem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MALFORMED = FIXTURES / "malformed"
MALFORMED_FORMS = MALFORMED / "forms"
TIMERS = FIXTURES / "bpmn" / "timers.bpmn"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs" targetNamespace="http://handoff.example/bpmn">
"""
TAIL = "</bpmn:definitions>\n"


def lines(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def check(name: str) -> list[str]:
    return lines(validate([MALFORMED / name], forms_dir=MALFORMED_FORMS))


def test_problem_prints_like_a_compiler_error():
    assert str(Problem("bpmn/a.bpmn", 12, "review", "no lane")) == "bpmn/a.bpmn:12: review: no lane"
    assert str(Problem("bpmn/a.bpmn", None, "-", "empty")) == "bpmn/a.bpmn:1: -: empty"  # a line, always


def test_the_sample_diagram_passes():
    assert validate([TIMERS]) == []
    assert validate([TIMERS], forms_dir=FIXTURES / "forms") == []


def test_broken_xml_stops_at_the_syntax_error():
    path = MALFORMED / "broken_xml.bpmn"
    assert check("broken_xml.bpmn") == [
        f"{path}:7: -: XML syntax error: Opening and ending tag mismatch: startEvent line 6 and process (column 18)"
    ]


def test_user_task_without_lane():
    path = MALFORMED / "missing_lane.bpmn"
    assert check("missing_lane.bpmn") == [
        f"{path}:12: review: user task has no lane, camunda:candidateGroups or camunda:assignee: nobody would be "
        "offered it"
    ]


def test_user_task_without_form_key():
    path = MALFORMED / "missing_form_key.bpmn"
    assert check("missing_form_key.bpmn") == [f"{path}:14: review: user task has no form (camunda:formKey)"]


def test_form_file_that_does_not_exist():
    path = MALFORMED / "missing_form_file.bpmn"
    assert check("missing_form_file.bpmn") == [
        f"{path}:14: review: form file 'nowhere/review.json' does not exist"
    ]


def test_unquoted_timer_is_read_as_its_iso_literal_and_checked_as_such():
    path = MALFORMED / "unquoted_long_timer.bpmn"
    assert check("unquoted_long_timer.bpmn") == [
        f"{path}:9: wait: timer duration 'P1000Y' is longer than 100 years"
    ]


def test_bad_timers_each_reported_at_their_expression():
    path = MALFORMED / "bad_duration.bpmn"
    assert check("bad_duration.bpmn") == [
        f"{path}:9: wait: timer duration 'P1X' is not ISO 8601; write an ISO 8601 duration such as PT24H",
        f"{path}:19: pulse: timer cycle 'R/P1D/oops' is not ISO 8601"
        "; write a cycle such as R3/PT24H (three times, a day apart) or R/P1D",
        f"{path}:24: nothing: timer duration is empty",
    ]


def test_complex_gateway_is_unsupported_and_reported_once():
    path = MALFORMED / "complex_gateway.bpmn"
    assert check("complex_gateway.bpmn") == [
        f"{path}:7: mix: unsupported element type bpmn:complexGateway; use an inclusive gateway (conditions on its "
        "outgoing flows) or an exclusive gateway"]


def test_gateway_without_default_misses_an_enum_value():
    path = MALFORMED / "uncovered_enum.bpmn"
    assert check("uncovered_enum.bpmn") == [
        f"{path}:17: route: when approved_by is 'ceo' no outgoing flow is taken; add a default flow"
    ]


def test_python_syntax_error_in_a_condition():
    path = MALFORMED / "condition_syntax.bpmn"
    assert check("condition_syntax.bpmn") == [
        f"{path}:12: big: condition 'amount > = 10000' is not valid Python: invalid syntax"
    ]


def test_binary_junk_and_empty_file():
    junk, empty = MALFORMED / "junk.bpmn", MALFORMED / "empty.bpmn"
    assert check("junk.bpmn") == [f"{junk}:1: -: not UTF-8 text (byte 0x89)"]
    assert check("empty.bpmn") == [f"{empty}:1: -: XML syntax error: Document is empty (column 1)"]


def test_all_files_reported_together_sorted_by_file():
    names = ["unquoted_long_timer.bpmn", "empty.bpmn", "missing_lane.bpmn"]
    problems = validate([MALFORMED / name for name in names], forms_dir=MALFORMED_FORMS)
    assert [Path(p.file).name for p in problems] == sorted(names)


def test_a_file_that_cannot_be_read(tmp_path):
    missing = tmp_path / "bpmn" / "nowhere.bpmn"
    assert lines(validate([missing])) == [f"{missing}:1: -: cannot read the file: No such file or directory"]


def process(body: str, process_id: str = "p") -> str:
    return HEAD + f'  <bpmn:process id="{process_id}" isExecutable="true">\n{body}  </bpmn:process>\n' + TAIL


SCRIPTS = process("""    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="calc">
      <bpmn:script>total = price * quantity
discount = = 0</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:serviceTask id="notify" camunda:type="external"/>
    <bpmn:serviceTask id="legacy" camunda:class="com.example.Notify"/>
    <bpmn:endEvent id="done"/>
    <bpmn:endEvent id="other"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="notify"/>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="legacy"/>
    <bpmn:sequenceFlow id="f4" sourceRef="legacy" targetRef="done"/>
    <bpmn:sequenceFlow id="f5" sourceRef="legacy" targetRef="other"/>
""")

GATEWAYS = process("""    <bpmn:startEvent id="start"/>
    <bpmn:exclusiveGateway id="g1"/>
    <bpmn:inclusiveGateway id="g2" default="missing"/>
    <bpmn:endEvent id="e1"/>
    <bpmn:endEvent id="e2"/>
    <bpmn:endEvent id="e3"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="g1"/>
    <bpmn:sequenceFlow id="a" sourceRef="g1" targetRef="g2">
      <bpmn:conditionExpression>${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="b" sourceRef="g1" targetRef="e1"/>
    <bpmn:sequenceFlow id="c" sourceRef="g2" targetRef="e2">
      <bpmn:conditionExpression>False</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="d" sourceRef="g2" targetRef="e3">
      <bpmn:conditionExpression>0</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
""", process_id="gates")

FORMS = process("""    <bpmn:laneSet id="lanes">
      <bpmn:lane id="nameless">
        <bpmn:flowNodeRef>u1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>u2</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="u1" camunda:formKey="area/broken.json"/>
    <bpmn:userTask id="u2" camunda:formKey="area/not_a_schema.json"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="u1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="u1" targetRef="u2"/>
""", process_id="forms_demo")


def test_validate_files_reports_every_problem_in_memory():
    files = {
        "bpmn/scripts.bpmn": SCRIPTS,
        "bpmn/gateways.bpmn": GATEWAYS,
        "bpmn/forms.bpmn": FORMS,
        "forms/area/broken.json": '{"type": "object",\n "properties": {,}}',
        "forms/area/not_a_schema.json": '{"type": "objekt"}',
        "forms/area/unused.json": "not json at all",
        "bpmn/html.bpmn": "<html><body/></html>",
        "bpmn/junk.bpmn": "\x89PNG\r\n\x1a\n\x00garbage",
        "bpmn/notes.txt": "todo",
    }
    assert lines(validate_files(files)) == [
        "bpmn/forms.bpmn:13: u1: lane nameless has no name (the lane name is the candidate group)",
        "bpmn/forms.bpmn:14: u2: lane nameless has no name (the lane name is the candidate group)",
        "bpmn/gateways.bpmn:7: g1: flow b has no condition and is not the gateway's default",
        "bpmn/gateways.bpmn:8: g2: default flow missing does not leave this gateway",
        "bpmn/gateways.bpmn:8: g2: all conditions are always false; add a default flow",
        "bpmn/html.bpmn:1: -: not a BPMN file: the root element is <html>, not bpmn:definitions",
        "bpmn/junk.bpmn:1: -: XML syntax error: Start tag expected, '<' not found (column 1)",
        "bpmn/notes.txt:1: -: not a BPMN or DMN file (.bpmn, .bpmn20.xml or .dmn)",
        "bpmn/scripts.bpmn:9: calc: script is not valid Python: invalid syntax",
        "bpmn/scripts.bpmn:11: notify: external service task has no topic (camunda:topic)",
        "bpmn/scripts.bpmn:12: legacy: camunda:class is not run by Handoff; "
        'use camunda:type="external" with a camunda:topic',
        "bpmn/scripts.bpmn:12: legacy: 2 outgoing flows: only gateways and start events may split the flow",
        "forms/area/broken.json:2: -: invalid JSON: Expecting property name enclosed in double quotes",
        "forms/area/not_a_schema.json:1: -: not a valid JSON Schema: "
        "'objekt' is not valid under any of the given schemas (at $.type)",
    ]


def test_schema_errors_name_the_element_and_skip_the_spiff_parse():
    text = process("""    <bpmn:startEvent id="start" colour="red"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start"/>
""")
    assert lines(validate_files({"bpmn/x.bpmn": text})) == [
        "bpmn/x.bpmn:6: start: Element 'bpmn:startEvent', attribute 'colour': The attribute 'colour' is not allowed.",
        "bpmn/x.bpmn:7: f1: Element 'bpmn:sequenceFlow': The attribute 'targetRef' is required but missing.",
    ]


def test_spiff_parser_errors_come_with_file_and_line():
    first = process('    <bpmn:startEvent id="start"/>\n', process_id="dup")
    second = process('    <bpmn:callActivity id="call" calledElement="nowhere"/>\n', process_id="other")
    assert lines(validate_files({"bpmn/a.bpmn": first, "bpmn/b.bpmn": first, "bpmn/c.bpmn": second})) == [
        "bpmn/b.bpmn:5: dup: process id dup is defined twice; give each process its own id",
        "bpmn/c.bpmn:5: other: the process has no start event",
    ]


def test_flows_must_join_flow_nodes_of_the_process():
    text = process("""    <bpmn:laneSet id="lanes">
      <bpmn:lane id="sales" name="sales"/>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:task id="work"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="sales"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ghost" targetRef="work"/>
""")
    assert lines(validate_files({"bpmn/x.bpmn": text})) == [
        "bpmn/x.bpmn:12: f2: flow ends at sales, a lane, not a flow node",
        "bpmn/x.bpmn:13: f3: flow starts at ghost, which is not in this process",
    ]


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="D" namespace="urn:handoff">
  <decision id="route" name="Route">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in1"><inputExpression id="ie1" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="out1" name="team" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="e1"><text>&gt; 100</text></inputEntry>
        <outputEntry id="o1"><text>"legal"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_business_rule_tasks_and_dmn_files():
    text = process("""    <bpmn:startEvent id="start"/>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="route"/>
    <bpmn:businessRuleTask id="guess"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="guess"/>
""")
    clean = text.replace('<bpmn:businessRuleTask id="guess"/>', '<bpmn:endEvent id="guess"/>')
    assert validate_files({"bpmn/x.bpmn": clean, "bpmn/route.dmn": DMN}) == []
    broken_dmn = DMN.replace('<output id="out1"', '<outlet/><output id="out1"')
    assert lines(validate_files({"bpmn/x.bpmn": text, "bpmn/route.dmn": broken_dmn})) == [
        "bpmn/route.dmn:6: out1: Element 'dmn:outlet': This element is not expected. "
        "Expected is one of ( dmn:input, dmn:output ).",
        "bpmn/x.bpmn:8: guess: business rule task has no decision (camunda:decisionRef)",
    ]


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    text = HEAD + "<bpmn:extensionElements>" * 400 + "</bpmn:extensionElements>" * 400 + TAIL
    [problem] = validate_files({"bpmn/deep.bpmn": text})
    assert problem.message.startswith("XML syntax error: Excessive depth in document: 256")


DURATION_HINT = "; write an ISO 8601 duration such as PT24H"
DATE_HINT = "; write an ISO 8601 date-time such as 2026-05-04T17:00:00Z"
CYCLE_HINT = "; write a cycle such as R3/PT24H (three times, a day apart) or R/P1D"


@pytest.mark.parametrize(("tag", "text", "message"), [
    ("timeDuration", '"PT24H"', None),
    ("timeDuration", "'P1DT12H'", None),
    ("timeDuration", "hours_left", None),
    ("timeDuration", 'f"PT{hours}H"', None),
    ("timeDuration", "\n        PT24H\n      ", None),
    ("timeDuration", "PT5M", None),
    ("timeDuration", "P101Y", "timer duration 'P101Y' is longer than 100 years"),
    ("timeDuration", "${duration}", None),
    ("timeDuration", '${business_hours("PT24H")}', None),
    ("timeDuration", "${a &&}", "timer expression ${a &&} is neither JUEL nor Python: "
                                "unexpected 'end of the expression' at column 5"),
    ("timeDate", "2026-12-24T09:00:00Z", None),
    ("timeDate", "${dateTime().plusDays(1).toDate()}", None),
    ("timeDate", "P1D", "timer date 'P1D' is a duration, not a date" + DATE_HINT),
    ("timeDuration", '\n        "PT24H"\n      ', None),
    ("timeDuration", "24", "timer duration 24 is not a string"),
    ("timeDuration", '"P"', "timer duration 'P' is not ISO 8601" + DURATION_HINT),
    ("timeDuration", '"PT24Hours"', "timer duration 'PT24Hours' is not ISO 8601" + DURATION_HINT),
    ("timeDuration", '"P100Y"', None),
    ("timeDuration", '"P101Y"', "timer duration 'P101Y' is longer than 100 years"),
    ("timeDuration", '"P100000000Y"', "timer duration 'P100000000Y' is longer than 100 years"),
    ("timeDuration", '"PT99999999999H"', "timer duration 'PT99999999999H' is longer than 100 years"),
    ("timeDuration", "  ", "timer duration is empty"),
    ("timeDate", '"2026-01-01T09:00:00+01:00"', None),
    ("timeDate", '"P1D"', "timer date 'P1D' is a duration, not a date" + DATE_HINT),
    ("timeDate", '"tomorrow"', "timer date 'tomorrow' is not ISO 8601" + DATE_HINT),
    ("timeDate", '"9999-12-31T00:00:00Z"', "timer date '9999-12-31T00:00:00Z' is more than 100 years away"),
    ("timeCycle", '"R3/PT1H"', None),
    ("timeCycle", "R/PT24H", None),
    ("timeCycle", "R3/PT10M", None),
    ("timeCycle", "R/PT0S", "timer cycle 'R/PT0S' repeats with a zero interval"),
    ("timeCycle", '"PT24H"', "timer cycle 'PT24H' is not ISO 8601" + CYCLE_HINT),
    ("timeCycle", '"R/P100000000Y"', "timer cycle 'R/P100000000Y' reaches more than 100 years away"),
    ("timeCycle", '"R5/2026-05-04T09:00:00Z/P1D"', None),
    ("timeCycle", '"R/P1D/2026-05-04T09:00:00Z"', None),
    ("timeCycle", '"R/PT0S"', "timer cycle 'R/PT0S' repeats with a zero interval"),
    ("timeCycle", "every day", "timer expression every day is not valid Python: invalid syntax"),
])
def test_timer_expressions(tag, text, message):
    assert timer_problem(tag, text) == message


INTERNAL_FAILURE = r"the validator failed|could not finish|schema validation failed"


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """Deletes a line, truncates, swaps two attribute values or inserts random bytes."""
    kind = rng.randrange(4) if len(data) > 1 else 3
    attrs = list(re.finditer(rb'(\w[\w:]*)="([^"]*)"', data))
    if kind == 0:
        rows = data.split(b"\n")
        del rows[rng.randrange(len(rows))]
        return b"\n".join(rows)
    if kind == 1:
        return data[: rng.randrange(len(data))]
    if kind == 2 and len(attrs) > 1:
        a, b = sorted(rng.sample(attrs, 2), key=lambda m: m.start())
        return (data[: a.start(2)] + b.group(2) + data[a.end(2): b.start(2)] + a.group(2)
                + data[b.end(2):])
    pos = rng.randrange(len(data) + 1)
    return data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8))) + data[pos:]


def test_random_mutations_never_raise(tmp_path):
    rng = random.Random(20240611)
    original = TIMERS.read_bytes()
    target = tmp_path / "bpmn" / "timers.bpmn"
    target.parent.mkdir()
    outcomes = set()
    for _ in range(200):
        target.write_bytes(_mutate(original, rng))
        problems = validate([target], forms_dir=FIXTURES / "forms")
        assert isinstance(problems, list)
        assert all(isinstance(p, Problem) and str(p).startswith(str(target)) for p in problems)
        # the catch-alls keep validate() from raising; they must not be what answered
        assert not [p for p in problems if re.search(INTERNAL_FAILURE, p.message)]
        outcomes.add("clean" if not problems else "syntax" if "XML syntax" in problems[0].message else "checked")
    assert outcomes == {"clean", "syntax", "checked"}  # the mutations reach past the XML parser
