"""Call activities that pass data as Camunda 7's ``camunda:in`` / ``camunda:out`` say.

Without any mapping, SpiffWorkflow's rule stays: the called process sees all the caller's
data and hands all of its own back (the shipped processes rely on it). With mappings, only
what they name crosses, as in Camunda: ``variables="all"``, ``source``/``target``, or
``sourceExpression="${...}"`` (a Python expression, like every Handoff expression) and ``target``.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.defaults import CallActivity

from .expressions import render


@dataclass(frozen=True)
class Mapping:
    """One ``camunda:in`` or ``camunda:out``: everything, one variable, or one expression."""

    all: bool = False
    source: str | None = None
    expression: str | None = None
    target: str | None = None


def parse_mappings(node, tag: str) -> list[Mapping]:
    mappings = []
    for element in node.iterfind(f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}extensionElements/"
                                 f"{{http://camunda.org/schema/1.0/bpmn}}{tag}"):
        if element.get("variables") == "all":
            mappings.append(Mapping(all=True))
        elif element.get("sourceExpression"):
            mappings.append(Mapping(expression=element.get("sourceExpression"), target=element.get("target")))
        elif element.get("source"):
            source = element.get("source")
            mappings.append(Mapping(source=source, target=element.get("target") or source))
    return mappings


def apply(mappings: list[Mapping], source_task, source: dict, into: dict) -> None:
    for mapping in mappings:
        if mapping.all:
            into.update(deepcopy(source))
        elif mapping.expression is not None:
            into[mapping.target] = deepcopy(render(source_task, mapping.expression))
        elif mapping.source in source:
            into[mapping.target] = deepcopy(source[mapping.source])
        else:
            raise WorkflowDataException(f"the variable {mapping.source!r} that camunda:in/out passes does not exist",
                                        task=source_task)


class MappedCallActivity(CallActivity):
    """A call activity with Camunda's in/out mappings (both empty: SpiffWorkflow's copy-all)."""

    def __init__(self, wf_spec, bpmn_id, subworkflow_spec, in_mappings=None, out_mappings=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, subworkflow_spec, **kwargs)
        self.in_mappings = list(in_mappings or [])
        self.out_mappings = list(out_mappings or [])

    @property
    def mapped(self) -> bool:
        return bool(self.in_mappings or self.out_mappings)

    def copy_data(self, my_task, subworkflow):
        if not self.mapped:
            return super().copy_data(my_task, subworkflow)
        start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
        data: dict = {}
        apply(self.in_mappings, my_task, my_task.data, data)
        start.set_data(**data)

    def update_data(self, my_task, subworkflow):
        if not self.mapped:
            return super().update_data(my_task, subworkflow)
        last = subworkflow.last_task
        data = dict(my_task.data)
        apply(self.out_mappings, last, last.data, data)
        my_task.data = data
