"""The process diagram of one recommendation: the deployed BPMN XML, and where the instance has been.

The XML is the deployment's own file (what the instance runs on, not today's bpmn/ folder). The
highlight comes from `engine.instances.trace`, which restores this one workflow (a detail view may);
the sequence flows of the path taken are worked out here, so the browser only paints ids.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from engine import instances
from engine.db import db
from engine.models import DeploymentFile, ProcessInstance

BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@dataclass
class Highlight:
    completed: list[str]
    active: list[str]
    waiting: list[str]
    flows: list[str]

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)


def bpmn_xml(instance: ProcessInstance) -> str | None:
    """The BPMN file of the instance's deployment that defines its process."""
    files = db.session.scalars(
        sa.select(DeploymentFile).where(
            DeploymentFile.deployment_id == instance.deployment_id, DeploymentFile.kind == "bpmn"
        )
    ).all()
    for file in files:
        if instance.process_id in _process_ids(file.content):
            return file.content
    return None


def _process_ids(xml: str) -> set[str]:
    try:
        root = ET.fromstring(xml.encode())
    except ET.ParseError:
        return set()
    return {p.get("id") for p in root.iter(f"{BPMN_NS}process")}


def taken_flows(xml: str, completed: list[str], reached: list[str]) -> list[str]:
    """Sequence flows from a completed element to one that was completed or is now reached."""
    done, arrived = set(completed), set(completed) | set(reached)
    try:
        root = ET.fromstring(xml.encode())
    except ET.ParseError:
        return []
    return [
        flow.get("id")
        for flow in root.iter(f"{BPMN_NS}sequenceFlow")
        if flow.get("sourceRef") in done and flow.get("targetRef") in arrived
    ]


def highlight(instance: ProcessInstance, xml: str | None) -> Highlight:
    trace = instances.trace(instance.id)
    flows = taken_flows(xml, trace.completed, trace.active + trace.waiting) if xml else []
    # A step done before and open again (a returned draft) is painted as where the process is now.
    now = set(trace.active) | set(trace.waiting)
    return Highlight([c for c in trace.completed if c not in now], trace.active, trace.waiting, flows)
