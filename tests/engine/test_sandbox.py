"""Issue 13.3: designer Python runs in a sandbox, and the validator refuses what the sandbox would.

Each escape attempt is tried twice: in a diagram given to the validator (refused, with the
file, line and element) and in a diagram handed to the engine directly, bypassing
validation (the run fails with an engine error and the code never ran: a marker file
its payload would write does not exist).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.engine.bundle import Bundle
from service.engine.library import SpecLibrary
from service.engine.runner import Engine
from service.engine.sandbox import SandboxEnvironment
from service.engine.validate import validate_files

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://handoff.example/t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
"""
TAIL = """    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def script_diagram(body: str) -> str:
    return HEAD + f'    <bpmn:scriptTask id="work" scriptFormat="python"><bpmn:script>{body}</bpmn:script>' \
                  "</bpmn:scriptTask>\n" + TAIL


def timer_diagram(expression: str) -> str:
    return HEAD + ('    <bpmn:intermediateCatchEvent id="work"><bpmn:timerEventDefinition id="t">\n'
                   f"      <bpmn:timeDuration>{expression}</bpmn:timeDuration>\n"
                   "    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n") + TAIL


def condition_diagram(expression: str) -> str:
    return HEAD.replace('targetRef="work"', 'targetRef="gw"') + (
        '    <bpmn:exclusiveGateway id="gw" default="f_else"/>\n'
        '    <bpmn:sequenceFlow id="f_if" sourceRef="gw" targetRef="work">\n'
        f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{expression}</bpmn:conditionExpression>\n'
        '    </bpmn:sequenceFlow>\n'
        '    <bpmn:sequenceFlow id="f_else" sourceRef="gw" targetRef="work"/>\n'
        '    <bpmn:task id="work"/>\n') + TAIL


MARKER = "/tmp/handoff-sandbox-escaped"
SHELL = f"__import__('os').system('touch {MARKER}')"
# (attempt as an expression, what the validator says about it)
ATTEMPTS = {
    "import": (SHELL, "names starting with _ are not allowed (__import__)"),
    "subclasses": ("().__class__.__bases__[0].__subclasses__()", "names starting with _ are not allowed"),
    "open": ("open('/etc/passwd').read()", "open() is not available in expressions"),
    "eval": (f"eval({SHELL!r})", "eval() is not available in expressions"),
    "exec": (f"exec({SHELL!r})", "exec() is not available in expressions"),
    "getattr": ("getattr(1, '__class__')", "getattr() is not available in expressions"),
    "globals": ("globals()['__builtins__']", "globals() is not available in expressions"),
    "type": ("type(1).mro()", "type() is not available in expressions"),
    "lambda globals": ("(lambda: 0).__globals__['__builtins__']",
                       "names starting with _ are not allowed (__globals__)"),
    "gi_frame": ("(x for x in [1]).gi_frame.f_back", "is a restricted name"),
    "huge power": ("10**10**10", "10 ** 10000000000 is too big a number"),
    "huge repetition": ("'a'*10**10", "the result would hold 10000000000 items"),
    "huge padding": ("'a'.ljust(10**10)", None),  # not literal arithmetic: refused when it runs
}
SCRIPT_ATTEMPTS = {
    "import statement": ("import os\nos.system('true')", "imports are not allowed in expressions"),
    "endless generator": ("def g():\n    while True:\n        yield 1\nn = sum(g())",
                          "this loop never ends (while True without break)"),
}


def validated(files: dict[str, str]) -> list[str]:
    return [str(p) for p in validate_files(files)]


@pytest.mark.parametrize("name", [name for name, (_, message) in ATTEMPTS.items() if message])
def test_validate_refuses_each_attempt_in_a_timer_a_condition_and_a_script_with_the_line(name):
    expression, message = ATTEMPTS[name]
    timer = validated({"bpmn/t.bpmn": timer_diagram(expression)})
    assert any(p.startswith("bpmn/t.bpmn:8: work: timer expression: ") and message in p for p in timer), timer
    condition = validated({"bpmn/c.bpmn": condition_diagram(expression)})
    assert any(p.startswith("bpmn/c.bpmn:9: f_if: condition ") and message in p for p in condition), condition
    script = validated({"bpmn/s.bpmn": script_diagram(f"x = 1\ny = {expression}")})
    assert any(p.startswith("bpmn/s.bpmn:8: work: script: ") and message in p for p in script), script


@pytest.mark.parametrize("name", SCRIPT_ATTEMPTS)
def test_validate_refuses_script_only_attempts_with_the_line(name):
    body, message = SCRIPT_ATTEMPTS[name]
    problems = validated({"bpmn/s.bpmn": script_diagram("x = 1\n" + body)})
    line = 8 if name == "import statement" else 9  # the import, the while
    assert any(p.startswith(f"bpmn/s.bpmn:{line}: work: script: ") and message in p for p in problems), problems


def test_user_task_attributes_and_operator_parameters_are_checked():
    diagram = HEAD.replace('<bpmn:process id="p"', '<bpmn:process id="p"') + (
        '    <bpmn:userTask id="work" camunda:dueDate="${__import__(\'os\')}" '
        'camunda:candidateGroups="${open(\'x\')}"/>\n') + TAIL
    problems = validated({"bpmn/u.bpmn": diagram})
    assert any("work: camunda:dueDate expression: names starting with _ are not allowed" in p for p in problems)
    assert any("work: camunda:candidateGroups expression: open() is not available" in p for p in problems)


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dd" name="d" namespace="t">
  <decision id="route" name="Route">
    <decisionTable id="table">
      <input id="in_budget"><inputExpression id="in_expr" typeRef="number"><text>budget</text></inputExpression>
      </input>
      <output id="out_group" name="group" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1_in"><text>&gt;= ().__class__.__bases__[0]</text></inputEntry>
        <outputEntry id="r1_out"><text>open('/etc/passwd')</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_decision_table_entries_are_checked_with_the_line():
    problems = validated({"bpmn/d.dmn": DMN})
    assert "bpmn/d.dmn:9: r1_in: input entry: names starting with _ are not allowed (__bases__)" in problems
    assert "bpmn/d.dmn:10: r1_out: output entry: open() is not available in expressions" in problems


def test_the_shipped_processes_validate():
    from service.engine.bundle import process_sources, read_tree
    from tests.support import REPO

    files = read_tree(REPO)
    forms = {p[len("forms/"):]: t for p, t in files.items() if p.startswith("forms/")}
    assert validate_files(process_sources(files), forms) == []


@pytest.fixture
def run_bypassing_validation(tmp_path):
    """Starts a diagram the engine was handed directly; returns the error it raised."""
    import os

    if os.path.exists(MARKER):
        os.remove(MARKER)

    def run(diagram: str) -> Exception:
        library = SpecLibrary()
        parsed = library.add(Bundle("p", "p", {"bpmn/p.bpmn": diagram}))
        with pytest.raises(Exception) as raised:  # noqa: PT011 - any engine error, as long as nothing ran
            Engine(library).start(parsed.ref, {"x": 1}, lambda call: None)
        assert not os.path.exists(MARKER), "the designer's code ran"
        return raised.value

    return run


@pytest.mark.parametrize("name", [*ATTEMPTS, *SCRIPT_ATTEMPTS])
def test_at_run_time_each_attempt_fails_cleanly_and_never_runs(run_bypassing_validation, name):
    from SpiffWorkflow.exceptions import SpiffWorkflowException

    expression, _ = {**ATTEMPTS, **SCRIPT_ATTEMPTS}[name]
    body = expression if name in SCRIPT_ATTEMPTS else f"y = {expression}"
    error = run_bypassing_validation(script_diagram(body))
    assert isinstance(error, SpiffWorkflowException), repr(error)
    if name in ATTEMPTS:
        for diagram in (timer_diagram(expression), condition_diagram(expression)):
            assert isinstance(run_bypassing_validation(diagram), SpiffWorkflowException)


def test_an_endless_loop_is_stopped_by_the_step_budget_in_any_thread():
    import threading

    env, errors = SandboxEnvironment(), []

    def spin():
        try:
            env.execute("i = 0\nwhile i >= 0:\n    i += 1\n", {})
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    worker = threading.Thread(target=spin)
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and "steps" in str(errors[0])


def test_scripts_of_versions_deployed_before_the_sandbox_still_clear_and_read_their_data():
    env, data = SandboxEnvironment(), {"legal_approved": True, "sla": "PT24H", "keep": 1}
    env.execute('for name in ("legal_approved", "nothing"):\n    globals().pop(name, None)\n'
                'tech_sla = globals().get("tech_sla") or globals().get("sla")', data)
    assert data == {"sla": "PT24H", "keep": 1, "tech_sla": "PT24H", "name": "nothing"}
    for reach in ("globals()['__builtins__']", "globals().get('_getattr_')", "globals()['forget']",
                  "globals()._data"):
        with pytest.raises(Exception):  # noqa: B017, PT011 - refused one way or another, never handed out
            result = env.evaluate(reach, {"x": 1})
            assert result is None, result  # get() of a hidden name answers None
            raise KeyError(reach)


def test_what_the_diagrams_use_still_works():
    env = SandboxEnvironment({"business_hours": lambda d: datetime(2026, 1, 5, 9, tzinfo=UTC)})
    data = {"customer": "ACME", "requirements": {"items": [1]}, "risks": ["r"], "open_items": ["o"],
            "sla": "PT24H", "legal_approved": True}
    assert env.evaluate("'Stage ' + customer + ' moved'", data) == "Stage ACME moved"
    assert env.evaluate("bool(requirements.get('items')) and bool(risks) and bool(open_items)", data) is True
    assert env.evaluate("business_hours(sla)", data) == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert env.evaluate("sorted([len(risks), 3])[0] + round(Decimal('2.5')) + timedelta(days=1).days", data) == 4
    assert env.evaluate("max(x * 2 for x in range(10)) ** 2", data) == 324
    env.execute("forget('legal_approved')\nlegal_sla = data_value('legal_sla') or sla", data)
    assert "legal_approved" not in data and data["legal_sla"] == "PT24H"
    assert "business_hours" not in data and "_getattr_" not in data and "__builtins__" not in data


AMPLIFIERS = [
    "'x'.join(['a' * 100000] * 100000)", "str(['a' * 100000] * 100000)", "f\"{['a' * 100000] * 100000}\"",
    "'%s' % (['a' * 100000] * 100000,)", "sum([[0] * 1000] * 1000, [])", "list(zip(*[list(range(1000))] * 1000))",
    "'a'.center(10 ** 9)", "'ab'.replace('', 'c' * 90000)", "list(range(10 ** 9))", "len('ab') << 10 ** 6",
    "[[0] * 100000 for i in range(100000)]", "sorted(range(100000), key=lambda x: -x)",
]
REFUSED_AT_RUN_TIME = ["'a'.encode().join([b'x' * 100000] * 100000)"]


@pytest.mark.parametrize("expression", REFUSED_AT_RUN_TIME)
def test_bytes_are_not_available(expression):
    with pytest.raises(AttributeError):
        SandboxEnvironment().evaluate(expression, {})


@pytest.mark.parametrize("expression", AMPLIFIERS)
def test_what_would_grow_without_bound_in_one_step_is_refused_quickly(expression):
    import time

    from service.engine.sandbox import SandboxLimit

    started = time.monotonic()
    with pytest.raises(SandboxLimit):
        SandboxEnvironment().evaluate(expression, {})
    assert time.monotonic() - started < 10


def test_a_list_doubling_in_a_loop_is_stopped():
    from service.engine.sandbox import SandboxLimit
    from service.engine.sandbox_policy import refusals

    with pytest.raises(SandboxLimit):
        SandboxEnvironment().execute("items = [1]\nfor i in range(40):\n    items.extend(items)", {})
    assert refusals("items = [1]\nitems[:0] = items", "exec")[0].message.startswith("slice assignment")
