"""The heat map of the standard process: how many recommendations wait at each element now, and how
long they waited there over a period — where recommendations get stuck.

Now: the open `human_task` rows and the waiting timers not attached to a task, per element
(`recommendations.waiting`, the same rows the list's `step` filter reads). Over the period: a user
task's wait is its row's `created_at` → `completed_at` (completed, or cancelled when a deadline took
the process elsewhere); a timer's wait runs from the instance's audit event before `timer_fired` (the
step that reached the timer) to the firing. Nothing restores a workflow.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db
from engine.models import AuditEvent, DeploymentFile, HumanTask, ProcessDefinition, ProcessInstance, Timer

from ..recommendations.services import PROCESS_ID
from ..recommendations.waiting import TASK_WAITING, TIMER_WAITING
from .periods import Period
from .sql import elapsed_days, percentiles

BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
WAIT_ELEMENTS = ("userTask", "manualTask", "intermediateCatchEvent", "receiveTask")


@dataclass
class ElementHeat:
    element_id: str
    name: str
    kind: str  # task | event
    waiting: int = 0
    waiting_since: datetime | None = None  # the longest wait still going on started then
    n: int = 0  # waits that ended in the period
    median_hours: float | None = None
    p90_hours: float | None = None

    def as_dict(self) -> dict:
        return {
            "waiting": self.waiting,
            "n": self.n,
            "median_hours": self.median_hours,
            "p90_hours": self.p90_hours,
        }


@dataclass
class Heatmap:
    process_id: str
    version: int | None
    period: Period
    now: datetime
    elements: dict[str, ElementHeat] = field(default_factory=dict)

    @property
    def max_waiting(self) -> int:
        return max((e.waiting for e in self.elements.values()), default=0)

    @property
    def max_median(self) -> float:
        return max((e.median_hours or 0 for e in self.elements.values()), default=0)

    def ordered(self) -> list[ElementHeat]:
        return sorted(self.elements.values(), key=lambda e: (-e.waiting, -(e.median_hours or 0), e.name))


def newest_definition(process_id: str = PROCESS_ID) -> ProcessDefinition | None:
    return db.session.scalar(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )


def diagram_xml(process_id: str = PROCESS_ID) -> str | None:
    """The BPMN file of the newest deployment of the process: the diagram the heat map paints."""
    definition = newest_definition(process_id)
    if definition is None:
        return None
    files = db.session.scalars(
        sa.select(DeploymentFile).where(
            DeploymentFile.deployment_id == definition.deployment_id, DeploymentFile.kind == "bpmn"
        )
    ).all()
    for file in files:
        if process_id in _elements(file.content)[0]:
            return file.content
    return None


def _elements(xml: str) -> tuple[set[str], dict[str, tuple[str, str]]]:
    """(process ids, {element id: (name, kind)}) of the elements where a process can wait."""
    try:
        root = ET.fromstring(xml.encode())
    except ET.ParseError:
        return set(), {}
    processes = {p.get("id") for p in root.iter(f"{BPMN_NS}process")}
    elements = {}
    for tag in WAIT_ELEMENTS:
        for el in root.iter(f"{BPMN_NS}{tag}"):
            if tag == "intermediateCatchEvent" and el.find(f"{BPMN_NS}timerEventDefinition") is None:
                continue
            kind = "event" if tag == "intermediateCatchEvent" else "task"
            elements[el.get("id")] = ((el.get("name") or el.get("id")).strip(), kind)
    return processes, elements


def element_names(process_id: str = PROCESS_ID) -> dict[str, str]:
    xml = diagram_xml(process_id)
    return {k: v[0] for k, v in _elements(xml)[1].items()} if xml else {}


def build(period: Period, process_id: str = PROCESS_ID) -> Heatmap:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))  # short aggregates: compiling costs more
    definition = newest_definition(process_id)
    xml = diagram_xml(process_id)
    known = _elements(xml)[1] if xml else {}
    heat = Heatmap(process_id, definition.version if definition else None, period, clock.now())

    def element(element_id: str, kind: str = "task") -> ElementHeat:
        if element_id not in heat.elements:
            name, found_kind = known.get(element_id, (element_id, kind))
            heat.elements[element_id] = ElementHeat(element_id, name, found_kind)
        return heat.elements[element_id]

    for element_id, (_name, kind) in known.items():
        element(element_id, kind)

    tasks_now = db.session.execute(
        sa.select(HumanTask.element_id, sa.func.count(), sa.func.min(HumanTask.created_at))
        .where(TASK_WAITING, HumanTask.process_id == process_id)
        .group_by(HumanTask.element_id)
    ).all()
    for element_id, count, since in tasks_now:
        e = element(element_id)
        e.waiting, e.waiting_since = int(count), since
    timers_now = db.session.execute(
        sa.select(Timer.element_id, sa.func.count())
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(TIMER_WAITING, ProcessInstance.process_id == process_id)
        .group_by(Timer.element_id)
    ).all()
    for element_id, count in timers_now:
        element(element_id, "event").waiting += int(count)

    task_waits = (
        sa.select(
            HumanTask.element_id.label("grp"),
            (elapsed_days(HumanTask.completed_at, HumanTask.created_at) * 24).label("value"),
        )
        .where(
            HumanTask.process_id == process_id,
            HumanTask.status.in_(("completed", "cancelled")),
            HumanTask.completed_at >= period.start_at,
            HumanTask.completed_at < period.end_at,
        )
        .subquery("task_waits")
    )
    events = [k for k, (_n, kind) in known.items() if kind == "event"]
    dialect = db.engine.dialect.name
    rows = list(db.session.execute(percentiles(task_waits, dialect=dialect)).all())
    if events:
        before = sa.orm.aliased(AuditEvent)
        started = (
            sa.select(sa.func.max(before.at))
            .where(before.instance_id == AuditEvent.instance_id, before.id < AuditEvent.id)
            .scalar_subquery()
        )
        timer_waits = (
            sa.select(
                AuditEvent.element_id.label("grp"),
                (elapsed_days(AuditEvent.at, started) * 24).label("value"),
            )
            .where(
                AuditEvent.event == "timer_fired",
                AuditEvent.element_id.in_(events),
                AuditEvent.at >= period.start_at,
                AuditEvent.at < period.end_at,
                started.is_not(None),
            )
            .subquery("timer_waits")
        )
        rows += db.session.execute(percentiles(timer_waits, dialect=dialect)).all()
    for r in rows:
        if r.median is None:
            continue
        e = element(r.grp)
        # julianday() arithmetic on SQLite carries float noise in the last digits
        e.n, e.median_hours, e.p90_hours = int(r.n), round(float(r.median), 3), round(float(r.p90), 3)
    return heat
