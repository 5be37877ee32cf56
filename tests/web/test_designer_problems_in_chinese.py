"""A process designer reading Chinese sees a broken diagram's problems in Chinese on the designer page (issue 12).

The page asks the API in its own language (``Handoff.api`` sends ``Accept-Language: I18n.locale``); the
problem keeps its file, line and element, and its message (with the fix) is Chinese.
"""

from __future__ import annotations

from pathlib import Path

LEAD = Path(__file__).resolve().parents[2] / "bpmn" / "lead_response.bpmn"
TWO_HOURS = '<bpmn:timeDuration>"PT2H"</bpmn:timeDuration>'


def test_the_designer_page_lists_a_broken_timer_in_chinese_at_its_line(person, tmp_path):
    source = LEAD.read_text(encoding="utf-8")
    line = source[:source.index(TWO_HOURS)].count("\n") + 1
    broken = tmp_path / "lead_response.bpmn"
    broken.write_text(source.replace(TWO_HOURS, "<bpmn:timeDuration>PT2Hours</bpmn:timeDuration>", 1), encoding="utf-8")

    designer = person("designer")
    page = designer.open("/designer?lang=zh-CN")
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.set_input_files("#diagrams", str(broken))
    page.click("#deploy")
    problem = page.wait_for_selector("#deploy-result .problems li")
    text = problem.inner_text()
    designer.shot("problems-zh")
    assert text.startswith(f"bpmn/lead_response.bpmn:{line}: "), text
    assert "定时器时长 PT2Hours 不是 ISO 8601 格式：时长写作 PT24H 或 P3D" in text, text
