"""Running decisions: hit policies, decision requirements graphs, and what a business rule task keeps.

`DecisionEngine` evaluates one decision of `dmn_model` on a task's data in the
sandbox, after the decisions it requires (their outputs become its variables, as in
Camunda). The result is Camunda's *decision result*: a list of rule results, each a
dict of output name to value. `BusinessRuleTask` keeps it as Camunda 7 does with
``camunda:resultVariable`` and ``camunda:mapDecisionResult`` (``singleEntry``,
``singleResult``, ``collectEntries``, ``resultList``); without a result variable the
outputs are merged into the task data, as Handoff always did (``group``, ``material``
of the lead routing table).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.camunda.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.deep_merge import DeepMerge

from . import feel
from .dmn_model import CellError, Decision, Table, read_decisions

MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")
NUMBER_TYPES = ("integer", "long", "double", "number", "float")


class DecisionError(Exception):
    """A decision could not answer: two rules of a UNIQUE table match, a result does not fit its mapping..."""


class DmnFile:
    """The decisions of one DMN file, parsed once; what SpiffWorkflow's parser keeps per decision id."""

    def __init__(self, node, filename: str | None):
        self.node = node
        self.filename = filename
        self._decisions: dict[str, Decision] | None = None

    @property
    def decisions(self) -> dict[str, Decision]:
        if self._decisions is None:
            try:
                self._decisions = read_decisions(self.node, self.filename)
            except CellError as error:
                raise ValidationException(str(error), file_name=self.filename, id=error.element_id,
                                          line_number=error.line) from None
        return self._decisions


class DecisionParser:
    """One decision of a file, with the interface `BpmnDmnParser` users call (``parse``, ``filename``)."""

    def __init__(self, dmn_file: DmnFile, decision_id: str, name: str):
        self.file = dmn_file
        self.filename = dmn_file.filename
        self.bpmn_id = decision_id
        self.name = name

    def get_name(self) -> str:
        return self.name

    def parse(self) -> None:
        self.file.decisions  # noqa: B018 - parses the file, raising its first problem

    @property
    def decision(self) -> Decision:
        return self.file.decisions[self.bpmn_id]


def register_dmn(parser, node, filename: str | None) -> None:
    """Adds every decision of a DMN file to a `BpmnDmnParser`'s ``dmn_parsers`` (SpiffWorkflow adds the first)."""
    dmn_file = DmnFile(node, filename)
    for element in node:
        if isinstance(element.tag, str) and element.tag.endswith("}decision") and element.get("id"):
            decision_parser = DecisionParser(dmn_file, element.get("id"), element.get("name") or element.get("id"))
            parser.dmn_parsers[decision_parser.bpmn_id] = decision_parser
            parser.dmn_parsers_by_name[decision_parser.name] = decision_parser


def build_engine(dmn_parsers: dict, decision_ref: str, node) -> DecisionEngine:
    """The engine of a decision and, first, of every decision it requires (a cycle is refused)."""
    if decision_ref not in dmn_parsers:
        known = ", ".join(sorted(dmn_parsers))
        raise ValidationException(f"decision {decision_ref} is not in any DMN file "
                                  f"({f'decisions there: {known}' if known else 'there is no decision at all'})",
                                  node=node)
    decisions: dict[str, Decision] = {}
    pending = [(decision_ref, ())]
    while pending:
        decision_id, chain = pending.pop()
        if decision_id in chain:
            raise ValidationException(f"decisions require each other in a cycle: {' -> '.join((*chain, decision_id))}",
                                      node=node)
        if decision_id not in dmn_parsers:
            raise ValidationException(f"decision {chain[-1]} requires {decision_id}, which no DMN file defines",
                                      node=node)
        decision = dmn_parsers[decision_id].decision
        decisions[decision_id] = decision
        pending += [(required, (*chain, decision_id)) for required in decision.required]
    return DecisionEngine(decision_ref, decisions)


class DecisionEngine:
    """Evaluates a decision (after its required decisions) in the task's sandbox."""

    def __init__(self, decision_id: str, decisions: dict[str, Decision]):
        self.decision_id = decision_id
        self.decisions = decisions

    @property
    def decision(self) -> Decision:
        return self.decisions[self.decision_id]

    def evaluate(self, task) -> list[dict]:
        return self._evaluate(task, self.decision_id, {})

    def _evaluate(self, task, decision_id: str, done: dict[str, list[dict]]) -> list[dict]:
        if decision_id in done:
            return done[decision_id]
        decision = self.decisions[decision_id]
        scope: dict = {}
        for required in decision.required:
            scope.update(required_variables(self.decisions[required], self._evaluate(task, required, done)))
        evaluate = _Evaluator(task, scope)
        if decision.literal is not None:
            result = [{decision.variable: evaluate(decision.literal.source)}]
        else:
            result = evaluate_table(decision.table, evaluate)
        done[decision_id] = result
        return result


def required_variables(decision: Decision, result: list[dict]) -> dict:
    """What a required decision gives the decisions above it: one rule's outputs, or a list per output."""
    names = [column.name for column in decision.table.outputs] if decision.table else [decision.variable]
    if decision.table is None or (decision.table.single_result and len(result) <= 1):
        entries = result[0] if result else {}
        return {name: entries.get(name) for name in names}
    return {name: [entries.get(name) for entries in result] for name in names}


class _Evaluator:
    """Evaluates translated cells on the task data plus the decision's own variables (which win)."""

    def __init__(self, task, scope: dict):
        self.task = task
        self.context = {**task.data, **scope}
        self.environment = task.workflow.script_engine.environment

    def __call__(self, source: str, extra: dict | None = None):
        context = {**self.context, **extra} if extra else self.context
        try:
            return self.environment.evaluate(source, context)
        except SpiffWorkflowException:
            raise
        except Exception as error:
            raise WorkflowTaskException(f"Error evaluating expression '{source}'", task=self.task,
                                        exception=error) from error


def coerce(value, type_ref: str):
    """An input as its column's typeRef says (form data keeps numbers and dates as text at times)."""
    kind = (type_ref or "").lower()
    if isinstance(value, str):
        text = value.strip()
        try:
            if kind in NUMBER_TYPES and text:
                number = Decimal(text)
                return int(number) if kind in ("integer", "long") or number == number.to_integral() else float(number)
            if kind == "boolean" and text.lower() in ("true", "false"):
                return text.lower() == "true"
            if kind == "date" and text:
                return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except (InvalidOperation, ValueError):
            return value
    return value


def _matches(table: Table, rule, values: list, evaluate) -> bool:
    for column, test, value in zip(table.inputs, rule.tests, values, strict=True):
        if test.source == "True":
            continue
        try:
            passed = evaluate(test.source, {feel.INPUT: value, column.variable: value})
        except WorkflowTaskException as error:
            if test.is_feel and isinstance(error.__cause__, TypeError):
                passed = False  # FEEL: comparing null or unlike types is null, which no rule matches
            else:
                error.add_note(f"DMN rule {rule.id} (row {rule.row}), input {column.label or column.id}")
                raise
        if not passed:
            return False
    return True


def _outputs(table: Table, rule, evaluate) -> dict:
    return {column.name: (evaluate(cell.source) if cell is not None else None)
            for column, cell in zip(table.outputs, rule.outputs, strict=True)}


def _priority(table: Table, outputs: dict) -> tuple:
    key = []
    for column in table.outputs:
        values = column.priorities
        key.append(values.index(outputs[column.name]) if outputs[column.name] in values else len(values))
    return tuple(key)


def evaluate_table(table: Table, evaluate) -> list[dict]:
    """The decision result of a table under its hit policy (and aggregation)."""
    values = [coerce(evaluate(column.expression.source), column.type_ref) for column in table.inputs]
    matched = [rule for rule in table.rules if _matches(table, rule, values, evaluate)]
    policy = table.hit_policy
    if policy == "FIRST":
        matched = matched[:1]
    if policy == "UNIQUE" and len(matched) > 1:
        raise DecisionError(f"hit policy UNIQUE, but rules {', '.join(r.id for r in matched)} all match")
    results = [_outputs(table, rule, evaluate) for rule in matched]
    if policy == "ANY" and any(result != results[0] for result in results):
        raise DecisionError(f"hit policy ANY, but rules {', '.join(r.id for r in matched)} match with different "
                            "outputs")
    if policy == "ANY":
        results = results[:1]
    if policy in ("PRIORITY", "OUTPUT ORDER"):
        results.sort(key=lambda result: _priority(table, result))
        results = results[:1] if policy == "PRIORITY" else results
    if table.aggregation:
        return _aggregate(table, results)
    return results


def _aggregate(table: Table, results: list[dict]) -> list[dict]:
    name = table.outputs[0].name
    found = [result[name] for result in results if result[name] is not None]
    if table.aggregation == "COUNT":
        return [{name: len(found)}]
    if not found:
        return []
    function = {"SUM": sum, "MIN": min, "MAX": max}[table.aggregation]
    return [{name: function(found)}]


def map_result(result: list[dict], mapping: str):
    """Camunda 7's ``camunda:mapDecisionResult``."""
    if mapping == "resultList":
        return [dict(entries) for entries in result]
    if mapping == "collectEntries":
        if any(len(entries) > 1 for entries in result):
            raise DecisionError("mapDecisionResult collectEntries needs one output per rule")
        return [next(iter(entries.values())) for entries in result if entries]
    if len(result) > 1:
        raise DecisionError(f"mapDecisionResult {mapping} needs at most one matching rule; {len(result)} matched")
    if mapping == "singleResult":
        return dict(result[0]) if result else None
    if result and len(result[0]) > 1:
        raise DecisionError("mapDecisionResult singleEntry needs one output; use singleResult")
    return next(iter(result[0].values())) if result and result[0] else None


def merged_outputs(decision: Decision, result: list[dict]) -> dict:
    """Without a result variable: one rule's outputs, or a list per output name (Handoff's earlier behaviour)."""
    return required_variables(decision, result) if result or decision.table is None or \
        not decision.table.single_result else {}


class HandoffBusinessRuleTask(BusinessRuleTask):
    """A business rule task that evaluates a `DecisionEngine` and keeps its result as Camunda 7 does."""

    def __init__(self, wf_spec, bpmn_id, dmnEngine, result_variable=None, map_decision_result=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, dmnEngine=dmnEngine, **kwargs)
        self.result_variable = result_variable
        self.map_decision_result = map_decision_result or "resultList"

    def _run_hook(self, my_task):
        try:
            result = self.dmnEngine.evaluate(my_task)
            if self.result_variable:
                my_task.data[self.result_variable] = map_result(result, self.map_decision_result)
            else:
                my_task.data = DeepMerge.merge(my_task.data, merged_outputs(self.dmnEngine.decision, result))
        except SpiffWorkflowException as error:
            error.add_note(f"Business rule task '{self.bpmn_name or self.bpmn_id}'")
            raise
        except Exception as error:
            failure = WorkflowTaskException(f"decision {self.dmnEngine.decision_id}: {error}", task=my_task,
                                            exception=error)
            failure.add_note(f"Business rule task '{self.bpmn_name or self.bpmn_id}'")
            raise failure from error
        return BpmnSpecMixin._run_hook(self, my_task)


class HandoffBusinessRuleTaskParser(BusinessRuleTaskParser):
    """Reads ``camunda:decisionRef``, ``camunda:resultVariable`` and ``camunda:mapDecisionResult``."""

    def create_task(self):
        decision_ref = self.get_decision_ref(self.node)
        engine = build_engine(self.process_parser.parser.dmn_parsers, decision_ref, self.node)
        return HandoffBusinessRuleTask(
            self.spec, self.bpmn_id, dmnEngine=engine,
            result_variable=(self.attribute("resultVariable", "camunda") or "").strip() or None,
            map_decision_result=(self.attribute("mapDecisionResult", "camunda") or "").strip() or None,
            **self.bpmn_attributes)
