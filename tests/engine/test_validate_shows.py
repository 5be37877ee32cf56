"""A task's ``shows`` property names what the task page shows above its form: a misspelt key is a problem."""

from __future__ import annotations

from pathlib import Path

from service.engine.validate import validate, validate_files
from tests.modeler import FORM_KEY, user_task_process

ROOT = Path(__file__).resolve().parents[2]


def _shows(value: str) -> str:
    """The one-task diagram, its task showing `value`."""
    text = user_task_process("shows_check")
    return text.replace('camunda:formKey="h3/note.json">', 'camunda:formKey="h3/note.json">\n'
                        '      <bpmn:extensionElements>\n        <camunda:properties>\n'
                        f'          <camunda:property name="shows" value="{value}"/>\n'
                        '        </camunda:properties>\n      </bpmn:extensionElements>', 1)


FORMS = {FORM_KEY: '{"type": "object", "properties": {"note": {"type": "string"}, '
                   '"contract": {"type": "object", "properties": {"number": {"type": "string"}}}}}'}


def test_the_shipped_processes_show_only_keys_they_have():
    files = sorted(ROOT.glob("bpmn/*.bpmn")) + sorted(ROOT.glob("bpmn/*.dmn"))
    assert validate(files, forms_dir=ROOT / "forms") == []
    assert sum((ROOT / "bpmn" / f).read_text().count('name="shows"') for f in (
        "contract_cosign.bpmn", "project_lifecycle.bpmn", "handover_package.bpmn")) >= 10


def test_a_misspelt_key_is_reported_with_its_line_and_task():
    text = _shows("note,contrct")
    problems = [str(p) for p in validate_files({"bpmn/check.bpmn": text}, FORMS)]
    line = text[:text.index('name="shows"')].count("\n") + 1
    assert problems == [f"bpmn/check.bpmn:{line}: Activity_0task01: shows 'contrct', but no form declares it "
                        "and no step of the process names it (misspelt?)"]


def test_form_fields_and_data_the_diagram_names_are_known():
    assert validate_files({"bpmn/check.bpmn": _shows("note, contract")}, FORMS) == []
    named = _shows("service_history").replace(
        "<bpmn:endEvent", '<bpmn:scriptTask id="Activity_0use01"><bpmn:script>x = service_history</bpmn:script>'
        '</bpmn:scriptTask>\n    <bpmn:endEvent', 1)
    assert not [p for p in validate_files({"bpmn/check.bpmn": named}, FORMS) if "shows" in p.message]
