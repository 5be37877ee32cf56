"""Validation of any file stays bounded: under 10 s and 500 MB, a 50 MB file included (issue 9.4).

Measured on the real command in a child process (wall time and peak resident memory), on the
three shapes that cost most: a huge file, a file of tiny elements just under the size limit,
and the largest process that is still checked in full.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.engine.validate import validate_files
from service.engine.validate_limits import MAX_CODE_CHARS, MAX_CODE_TOTAL, MAX_ELEMENTS, MAX_FILE_BYTES
from tests.engine.test_validate_problem_lines import diagram, flow, lines, script_task

SECONDS, MEGABYTES = 10, 500


def chain(nodes: int) -> str:
    ids = ["StartEvent_1"] + [f"Activity_{i:06d}" for i in range(nodes - 2)] + ["Event_0end001"]
    body = '    <bpmn:startEvent id="StartEvent_1" />\n' + "".join(script_task(node) for node in ids[1:-1])
    body += '    <bpmn:endEvent id="Event_0end001" />\n'
    return diagram(body + "".join(flow(f"Flow_{i:06d}", ids[i - 1], ids[i]) for i in range(1, len(ids))))


def tiny_elements(size: int) -> str:
    parts, length, index = ['<bpmn:startEvent id="s"/>'], 0, 0
    while length < size:
        source = "s" if index == 0 else f"t{index - 1}"
        parts.append(f'<bpmn:task id="t{index}"/><bpmn:sequenceFlow id="f{index}" sourceRef="{source}" '
                     f'targetRef="t{index}"/>')
        length += len(parts[-1])
        index += 1
    return ('<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'id="Definitions_1" targetNamespace="x"><bpmn:process id="p" isExecutable="true">' + "".join(parts)
            + "</bpmn:process></bpmn:definitions>")


MEASURE = """import re, sys
from service.cli import main
try:
    main(["bpmn", "validate", sys.argv[1]])
finally:  # the peak of this process's own memory (ru_maxrss would count the parent's, copied by fork)
    print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1), file=sys.stderr)
"""


def measured(path: Path) -> tuple[list[str], float, float]:
    """Runs ``handoff bpmn validate`` on the file in a child: (printed lines, seconds, its peak megabytes)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return done.stdout.splitlines(), seconds, peak_kb / 1024


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "bpmn").mkdir()
    return tmp_path / "bpmn"


def test_a_50_mb_file_is_refused_at_once_with_the_figures(folder):
    path = folder / "huge.bpmn"
    documented = '<bpmn:startEvent id="StartEvent_1"><bpmn:documentation>' + "lorem ipsum " * 4_400_000
    path.write_text(chain(3).replace('<bpmn:startEvent id="StartEvent_1" />',
                                     documented + "</bpmn:documentation></bpmn:startEvent>"))
    assert path.stat().st_size > 50 * 1024 * 1024
    printed, seconds, peak = measured(path)
    assert printed == [f"{path}:1: -: the file is 50.4 MB; at most 5.0 MB is checked "
                       "(split the process, e.g. into called processes)"]
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)


def test_tiny_elements_just_under_the_size_limit_are_refused_by_count(folder):
    path = folder / "tiny.bpmn"
    path.write_text(tiny_elements(MAX_FILE_BYTES - 100_000))
    printed, seconds, peak = measured(path)
    [line] = printed
    assert line.startswith(f"{path}:1: Definitions_1: not checked: this file holds ")
    assert line.endswith(f"BPMN and DMN elements; at most {MAX_ELEMENTS} are checked "
                         "(split the process, e.g. into called processes)")
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)


def test_the_largest_process_still_checked_is_checked_in_bounds(folder):
    path = folder / "long.bpmn"
    path.write_text(chain(MAX_ELEMENTS // 3 - 100))  # a node, its script and its flow: 3 elements each
    printed, seconds, peak = measured(path)
    assert printed == []  # valid: checked in full, SpiffWorkflow's parse included
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)


def test_files_sent_together_share_the_budget():
    part = chain(MAX_ELEMENTS // 6)
    problems = lines(validate_files({"bpmn/a.bpmn": part, "bpmn/b.bpmn": part.replace("Process_1", "Process_2"),
                                     "bpmn/c.bpmn": part.replace("Process_1", "Process_3")}))
    assert [p.split(": ")[0] for p in problems] == ["bpmn/c.bpmn:2"]
    assert "at most 20000 are checked at once (validate or deploy fewer files together)" in problems[0]


def test_an_oversized_form_or_diagram_in_memory_is_refused_unparsed():
    big = "x" * (MAX_FILE_BYTES + 1)
    assert lines(validate_files({"bpmn/big.bpmn": big})) == [
        "bpmn/big.bpmn:1: -: the file is over 5.0 MB; at most 5.0 MB is checked "
        "(split the process, e.g. into called processes)"]


def long_scripts(count: int, size: int) -> str:
    expression = "x == 1 or " * ((size - 10) // 10) + "True"
    ids = ["StartEvent_1"] + [f"Activity_{i:04d}" for i in range(count)] + ["Event_0end001"]
    body = '    <bpmn:startEvent id="StartEvent_1" />\n'
    body += "".join(f'    <bpmn:scriptTask id="{node}"><bpmn:script>ok = {expression}</bpmn:script></bpmn:scriptTask>\n'
                    for node in ids[1:-1])
    body += '    <bpmn:endEvent id="Event_0end001" />\n'
    return diagram(body + "".join(flow(f"Flow_{i:04d}", ids[i - 1], ids[i]) for i in range(1, len(ids))))


def test_code_is_bounded_per_expression_and_per_validation(folder):
    [one] = lines(validate_files({"bpmn/a.bpmn": long_scripts(1, MAX_CODE_CHARS + 20)}))
    assert one == ("bpmn/a.bpmn:5: Activity_0000: script is too long to check (10019 characters; at most 10000): "
                   "split it up")
    path = folder / "scripts.bpmn"
    path.write_text(long_scripts(480, MAX_CODE_CHARS))  # 4.8 MB of conditions: seconds each to compile
    printed, seconds, peak = measured(path)
    assert printed == [f"{path}:2: Definitions_1: not checked: the expressions and scripts of this file come to "
                       f"4799520 characters; at most {MAX_CODE_TOTAL} are checked (move long scripts into service "
                       "tasks)"]
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    path.write_text(long_scripts(MAX_CODE_TOTAL // MAX_CODE_CHARS - 1, MAX_CODE_CHARS))  # the most still checked
    printed, seconds, peak = measured(path)
    assert printed == [] and seconds < SECONDS and peak < MEGABYTES, (printed[:1], seconds, peak)
