"""Decision tables: every cell FEEL or Python that runs, every table a hit policy can answer.

Cells are translated as `dmn_model` translates them when a deploy parses the file
(FEEL first, else Handoff's earlier Python form); a cell that is neither is reported
with its line, and the Python of every cell is compiled with the sandbox's policy so
that what it would refuse fails the deploy, not the first lead.
"""

from __future__ import annotations

from service.i18n import Text

from .dmn_model import KINDS, CellError, cell_problems, read_decisions, translated_cells
from .refusal_words import refusal_text
from .sandbox_policy import refusals
from .validate_checks import Problem


def decision_problems(path: str, root) -> list[Problem]:
    try:
        return _problems(path, root)
    except Exception as exc:  # the validator must never raise
        return [Problem(path, None, "-", f"the decision check could not finish: {exc!r}")]


def _problems(path: str, root) -> list[Problem]:
    problems = [Problem(path, error.line, error.element_id, error.text) for error in cell_problems(root)]
    try:
        decisions = read_decisions(root, path)
    except CellError as error:
        problem = Problem(path, error.line, error.element_id, error.text)
        return problems if problem in problems or error.schema_says_it else [*problems, problem]
    for cell in translated_cells(decisions):
        for refusal in refusals(cell.source, "eval"):
            line = (cell.line or 1) + (refusal.line - 1 if not cell.is_feel else 0)
            said = Text("%(what)s: %(reason)s", what=KINDS.get(cell.kind, cell.kind),
                        reason=refusal_text(refusal.message))
            problems.append(Problem(path, line, cell.element_id, said))
    for decision in decisions.values():
        for required in decision.required:
            if required not in decisions:
                problems.append(Problem(path, decision.line, decision.id, Text(
                    "requires decision %(required)s, which is not in this file", required=required)))
    return problems
