"""Workflow serialization that refers to the deployed spec instead of embedding it.

SpiffWorkflow 3.2 writes the whole process spec into every serialized instance
(17-21 KB for a 20-node process). We register a workflow converter that writes
``spec_ref`` (the process version's content hash) and resolves it from the
`SpecLibrary` on the way back: smaller rows and a faster request cycle.

What people send stays data: see `user_data` (no dict of theirs is read back as a typed value).
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.task import Task

from .library import SpecLibrary
from .messages import HandoffMessageEventDefinition
from .user_data import UserDataRegistry, UserDataTaskConverter


class SpecRefWorkflowConverter(BpmnWorkflowConverter):
    """Writes `spec_ref` where SpiffWorkflow writes `spec` and `subprocess_specs`."""

    library: SpecLibrary

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_ref"] = workflow.spec.handoff_ref
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        parsed = self.registry.spec_library.get(dct.pop("spec_ref"))
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def make_serializer(library: SpecLibrary) -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[BpmnWorkflow] = SpecRefWorkflowConverter
    config[Task] = UserDataTaskConverter
    config[HandoffMessageEventDefinition] = MessageEventDefinitionConverter  # a gateway's seen events
    registry = BpmnWorkflowSerializer.configure(config, UserDataRegistry())
    registry.spec_library = library
    return BpmnWorkflowSerializer(registry)
