"""DMN files as Camunda Modeler writes them, read into decisions whose cells are sandbox Python.

SpiffWorkflow's DMN parser reads one decision per file, evaluates cells as Python and
knows the hit policies UNIQUE (as FIRST) and COLLECT. Camunda's examples keep several
decisions in one file, chain them in a decision requirements graph and write FEEL.
This module reads every decision of a file: each cell is translated once here
(`feel`; a cell that is not FEEL is read as Handoff's earlier Python form), so a bad
cell is refused when the file is parsed, with its line, and never when a lead arrives.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from lxml import etree

from service.i18n import Text

from . import feel

HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")
QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # outside quotes, as SpiffWorkflow finds it
CAMUNDA_DMN = "http://camunda.org/schema/1.0/dmn"

KINDS = {"input entry": Text("input entry"), "output entry": Text("output entry"),
         "input expression": Text("input expression"), "literal expression": Text("literal expression")}

class CellError(ValueError):
    """A cell (or a table) that cannot run; carries the element's id and line for the validator."""

    def __init__(self, message: str | Text, element_id: str, line: int | None, schema_says_it: bool = False):
        super().__init__(str(message))
        self.text = message  # the words to translate for the designer
        self.element_id = element_id
        self.line = line
        self.schema_says_it = schema_says_it  # the DMN schema reports it in its own words at validate time


@dataclass(frozen=True)
class Cell:
    source: str  # the Python the sandbox evaluates
    text: str  # as the designer wrote it
    element_id: str
    line: int | None
    is_feel: bool
    kind: str = "input entry"  # input entry | output entry | input expression | literal expression


@dataclass
class InputColumn:
    id: str
    label: str
    expression: Cell
    type_ref: str
    variable: str  # camunda:inputVariable, "cellInput" by default: what entries may call the value


@dataclass
class OutputColumn:
    id: str
    name: str
    type_ref: str
    priorities: list = field(default_factory=list)  # outputValues, highest first (PRIORITY, OUTPUT ORDER)


@dataclass
class Rule:
    id: str
    row: int
    tests: list[Cell]
    outputs: list[Cell | None]


@dataclass
class Table:
    id: str
    hit_policy: str
    aggregation: str | None
    inputs: list[InputColumn]
    outputs: list[OutputColumn]
    rules: list[Rule]

    @property
    def single_result(self) -> bool:
        """A table that answers one rule's outputs (not a list): UNIQUE, FIRST, ANY, PRIORITY, or an aggregate."""
        return self.hit_policy in ("UNIQUE", "FIRST", "ANY", "PRIORITY") or self.aggregation is not None


@dataclass
class Decision:
    id: str
    name: str
    file: str | None
    line: int | None
    required: list[str]
    table: Table | None = None
    literal: Cell | None = None  # a decision literal expression...
    variable: str = ""  # ...and the name of its result


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _text_of(element) -> tuple[str | None, int | None]:
    for child in _children(element, "text"):
        return (child.text or ""), child.sourceline
    return None, element.sourceline


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parses(source: str) -> bool:
    try:
        ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def python_input_test(text: str) -> str | None:
    """Handoff's earlier Python entries, read as SpiffWorkflow read them: ``? in (...)``, ``>= 5``, ``"x"``."""
    source = text.strip()
    replaced = QUESTION_MARK.sub(feel.INPUT, source)
    if replaced != source:
        return replaced if _parses(replaced) else None
    if _parses(source):
        return f"({feel.INPUT}) == ({source})"
    candidate = f"{feel.INPUT} {source}"
    return candidate if _parses(candidate) else None


def input_test(text: str | None, element_id: str, line: int | None) -> Cell:
    raw = text or ""
    try:
        return Cell(feel.unary_tests(raw), raw, element_id, line, True)
    except (feel.FeelError, RecursionError) as error:
        python = python_input_test(raw)
        if python is None:
            raise CellError(Text("input entry %(text)s is neither FEEL nor Python: %(error)s", text=repr(_short(raw)),
                                 error=str(error)), element_id,
                            line) from None
        return Cell(python, raw, element_id, line, False)


def expression_cell(kind: str, text: str | None, element_id: str, line: int | None) -> Cell:
    raw = (text or "").strip()
    if not raw:
        raise CellError(Text("%(kind)s is empty", kind=KINDS.get(kind, kind)), element_id, line)
    try:
        return Cell(feel.expression(raw), raw, element_id, line, True, kind)
    except (feel.FeelError, RecursionError) as error:
        if not _parses(raw):
            raise CellError(Text("%(kind)s %(text)s is neither FEEL nor Python: %(error)s", kind=KINDS.get(kind, kind),
                                 text=repr(_short(raw)), error=str(error)), element_id, line) from None
        return Cell(raw, raw, element_id, line, False, kind)


def _priorities(output) -> list:
    for values in _children(output, "outputValues"):
        text, line = _text_of(values)
        if text and text.strip():
            try:
                return list(ast.literal_eval(feel.expression(f"[{text}]")))
            except (feel.FeelError, ValueError, SyntaxError):
                raise CellError(Text("output values %(text)s are not a list of literals", text=repr(_short(text))),
                                output.get("id") or "-",
                                line) from None
    return []


def _table(element, decision_id: str) -> Table:
    table_id = element.get("id") or decision_id
    hit_policy = " ".join((element.get("hitPolicy") or "UNIQUE").upper().replace("_", " ").split())
    if hit_policy not in HIT_POLICIES:
        raise CellError(Text("hit policy %(policy)s is not one of %(known)s", policy=hit_policy,
                             known=", ".join(HIT_POLICIES)), table_id,
                        element.sourceline, schema_says_it=True)
    aggregation = (element.get("aggregation") or "").upper() or None
    if aggregation and (hit_policy != "COLLECT" or aggregation not in AGGREGATIONS):
        raise CellError(Text("aggregation %(aggregation)s needs hit policy COLLECT and one of %(known)s",
                             aggregation=aggregation, known=", ".join(AGGREGATIONS)),
                        table_id, element.sourceline)
    inputs, outputs, rules = [], [], []
    for child in element:
        kind = _local(child)
        if kind == "input":
            inputs.append(_input(child))
        elif kind == "output":
            outputs.append(OutputColumn(child.get("id") or "-", child.get("name") or child.get("label") or
                                        child.get("id") or "", child.get("typeRef") or "", _priorities(child)))
        elif kind == "rule":
            rules.append(_rule(child, len(rules) + 1, len(inputs), len(outputs)))
    if aggregation and len(outputs) != 1:
        raise CellError(Text("aggregation %(aggregation)s needs exactly one output column", aggregation=aggregation),
                        table_id, element.sourceline)
    return Table(table_id, hit_policy, aggregation, inputs, outputs, rules)


def _input(element) -> InputColumn:
    expressions = _children(element, "inputExpression")
    element_id = element.get("id") or "-"
    if not expressions:
        raise CellError(Text("input has no input expression"), element_id, element.sourceline)
    text, line = _text_of(expressions[0])
    cell = expression_cell("input expression", text, expressions[0].get("id") or element_id, line)
    variable = element.get(f"{{{CAMUNDA_DMN}}}inputVariable") or "cellInput"
    return InputColumn(element_id, element.get("label") or "", cell, expressions[0].get("typeRef") or "", variable)


def _rule(element, row: int, input_count: int, output_count: int) -> Rule:
    rule_id = element.get("id") or f"row {row}"
    tests, outputs = [], []
    for entry in _children(element, "inputEntry"):
        text, line = _text_of(entry)
        tests.append(input_test(text, entry.get("id") or rule_id, line))
    for entry in _children(element, "outputEntry"):
        text, line = _text_of(entry)
        outputs.append(None if not (text or "").strip() else
                       expression_cell("output entry", text, entry.get("id") or rule_id, line))
    if len(tests) != input_count or len(outputs) != output_count:
        raise CellError(Text("rule has %(tests)s input and %(outputs)s output entries; the table has "
                             "%(inputs)s inputs and %(columns)s outputs", tests=len(tests), outputs=len(outputs),
                             inputs=input_count, columns=output_count), rule_id, element.sourceline)
    return Rule(rule_id, row, tests, outputs)


def _decision(element, file: str | None) -> Decision:
    decision_id = element.get("id") or "-"
    required = []
    for requirement in _children(element, "informationRequirement"):
        for ref in _children(requirement, "requiredDecision"):
            href = (ref.get("href") or "").strip()
            if href:
                required.append(href.split("#", 1)[-1])
    decision = Decision(decision_id, element.get("name") or decision_id, file, element.sourceline, required)
    tables = _children(element, "decisionTable")
    literals = _children(element, "literalExpression")
    if tables:
        decision.table = _table(tables[0], decision_id)
    elif literals:
        text, line = _text_of(literals[0])
        decision.literal = expression_cell("literal expression", text, literals[0].get("id") or decision_id, line)
        variables = _children(element, "variable")
        decision.variable = (variables[0].get("name") if variables else None) or decision_id
    else:
        raise CellError(Text("decision has neither a decision table nor a literal expression"), decision_id,
                        element.sourceline)
    return decision


def read_decisions(root, file: str | None = None) -> dict[str, Decision]:
    """Every decision of a DMN ``definitions`` element, by id; raises `CellError` at the first bad cell."""
    decisions = {}
    for element in root:
        if _local(element) == "decision":
            decision = _decision(element, file)
            if decision.id in decisions:
                raise CellError(Text("two decisions have the id %(id)s", id=decision.id), decision.id,
                                element.sourceline)
            decisions[decision.id] = decision
    return decisions


def cell_problems(root) -> list[CellError]:
    """Every bad cell of a DMN file (the validator's list; `read_decisions` stops at the first)."""
    problems = []
    for element in root.iter(etree.Element):
        kind = _local(element)
        try:
            if kind == "inputEntry":
                text, line = _text_of(element)
                input_test(text, element.get("id") or "-", line)
            elif kind == "outputEntry":
                text, line = _text_of(element)
                if (text or "").strip():
                    expression_cell("output entry", text, element.get("id") or "-", line)
            elif kind in ("inputExpression", "literalExpression"):
                text, line = _text_of(element)
                expression_cell(kind.replace("E", " e"), text, element.get("id") or "-", line)
        except CellError as error:
            problems.append(error)
    return problems


def translated_cells(decisions: dict[str, Decision]) -> list[Cell]:
    """The Python of every cell, for the sandbox's compile-time rules."""
    cells = []
    for decision in decisions.values():
        if decision.literal is not None:
            cells.append(decision.literal)
        if decision.table is not None:
            cells += [column.expression for column in decision.table.inputs]
            for rule in decision.table.rules:
                cells += rule.tests + [cell for cell in rule.outputs if cell is not None]
    return cells
