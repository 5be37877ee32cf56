"""Decision tables run their entries in the sandbox too; refuse what it would, with the line.

SpiffWorkflow's DMN engine evaluates an input expression, then each input entry as
``(input) == (entry)``, or as ``input entry`` when the entry starts with an operator
(``>= 500000``), with ``?`` standing for the input; output entries are evaluated as
they are. The same texts are compiled here with the sandbox's policy.
"""

from __future__ import annotations

import re

from lxml import etree

from .sandbox_policy import refusals
from .validate_checks import Problem, parse_python

QUESTION_MARK = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')  # as SpiffWorkflow's DMNEngine finds it
EXPRESSIONS = {"inputExpression": "input expression", "inputEntry": "input entry", "outputEntry": "output entry"}


def decision_problems(path: str, root) -> list[Problem]:
    try:
        return _problems(path, root)
    except Exception as exc:  # the validator must never raise
        return [Problem(path, None, "-", f"the decision check could not finish: {exc!r}")]


def _problems(path: str, root) -> list[Problem]:
    problems = []
    for element in root.iter(etree.Element):
        kind = EXPRESSIONS.get(etree.QName(element).localname)
        if kind is None:
            continue
        for text_element in element:
            if etree.QName(text_element).localname != "text" or not (text_element.text or "").strip():
                continue
            source = _as_evaluated(kind, text_element.text.strip())
            if source is None:
                continue
            for refusal in refusals(source, "eval"):
                problems.append(Problem(path, (text_element.sourceline or 1) + refusal.line - 1,
                                        element.get("id") or "-", f"{kind}: {refusal.message}"))
    return problems


def _as_evaluated(kind: str, text: str) -> str | None:
    """The Python SpiffWorkflow evaluates for this entry (None for "-" or what is not Python at all)."""
    if kind != "input entry":
        return text
    if text == "-":
        return None
    text = QUESTION_MARK.sub("dmninputexpr", text)
    if "dmninputexpr" in text or parse_python(text)[0] is not None:
        return text
    candidate = f"dmninputexpr {text}"
    return candidate if parse_python(candidate)[0] is not None else None
