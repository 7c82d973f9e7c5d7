"""Instance state without the spec: SpiffWorkflow's dict form minus `spec` and `subprocess_specs`.

The library's converter restores the spec from the dict on every load and writes it back on every
save, which is most of the cost of a small workflow and doubles its size. Deployments are immutable,
so we restore onto the spec objects already parsed for the deployment and store only the state
(`tasks`, `root`, `data`, `subprocesses`, `bpmn_events`, `correlations`, …).
"""

from __future__ import annotations

from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

STATE_FORMAT = f"spiff-{VERSION}-state"


class StateConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_registry = BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: StateConverter})


def registry():
    """The serializer registry (SpiffWorkflow's spec diff compares specs through it)."""
    return _registry


def dump(workflow: BpmnWorkflow) -> str:
    state = _registry.convert(workflow)
    state["format"] = STATE_FORMAT
    return orjson.dumps(state).decode()


def load(state: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = orjson.loads(state)
    fmt = dct.pop("format", None)
    if fmt != STATE_FORMAT:
        raise ValueError(f"instance state format {fmt!r}; this engine reads {STATE_FORMAT!r}")
    workflow = _registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    # from_dict does not restore the script engine (DESIGN.md): set it after every restore.
    workflow.script_engine = script_engine
    return workflow
