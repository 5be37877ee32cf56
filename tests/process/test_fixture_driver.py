"""Issue 9.7: no file in tests/fixtures that validates gets stuck, crashes or hangs when a simple user runs it.

Each BPMN file under tests/fixtures (the corpus of real diagrams in tests/fixtures/corpus included) is
deployed alone into a fresh service and driven by `tests.driver`: start, do every task with data its
form accepts, deliver what it waits for, fire due timers. A file that does not validate is a refusal,
not a failure; a clear error from the process (a 4xx, an incident) is an outcome, not a failure. A
failure is an instance stuck with nothing to act on, a 500-class exception, or a run past the bound.

`XFAIL` names the files that fail today only because of a construct another part of issue 9 is
fixing; delete an entry when its fix lands (the test is strict: an entry that passes fails).
Each run's outcome is appended to test-artifacts/driver/<database>.jsonl; `python -m tests.driver_figures`
prints the figures.
"""

from __future__ import annotations

import json
import os

import pytest

from service.engine.translations import is_translation
from service.flows import forms
from tests.driver import FIXTURES, drive, fixture_files
from tests.form_data import sample

FAILURES = {"stuck", "crash", "bound", "deploy_refused"}
ARTIFACTS = FIXTURES.parents[1] / "test-artifacts" / "driver"

XFAIL: dict[str, str] = {}


def _params():
    for path in fixture_files():
        name = path.relative_to(FIXTURES).as_posix()
        marks = [pytest.mark.xfail(reason=XFAIL[name], strict=True)] if name in XFAIL else []
        yield pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", list(_params()))
def test_a_simple_user_runs_the_diagram_to_its_end(services, path):
    outcomes = drive(services, path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / f"{os.environ.get('HANDOFF_TEST_DB', 'sqlite')}.jsonl").open("a", encoding="utf-8") as log:
        for outcome in outcomes:
            log.write(json.dumps(outcome.as_dict()) + "\n")
    failed = [f"{o.process_id}: {o.kind}: {o.detail}" for o in outcomes if o.kind in FAILURES]
    assert not failed, "\n".join(failed)


FORM_FILES = sorted(path for path in [*(FIXTURES.parents[1] / "forms").rglob("*.json"),
                                      *FIXTURES.rglob("forms/**/*.json")]
                    if not is_translation(path.name))  # a form's zh-CN words are not a form


@pytest.mark.parametrize("form", FORM_FILES, ids=lambda p: p.relative_to(FIXTURES.parents[1]).as_posix())
def test_the_driver_fills_in_every_form_the_way_the_form_accepts(form):
    """The driver's data generator against the real forms (the library's and the fixtures'): a form it
    cannot fill would make every diagram using it look broken."""
    schema = json.loads(form.read_text(encoding="utf-8"))
    forms.validate(schema, sample(schema))  # raises FormInvalid with the fields it got wrong
