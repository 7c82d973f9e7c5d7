"""Reading what a workflow says about people and time, and writing it to `human_task` and `timer`.

`snapshot(workflow)` is the single definition of "what the projections should hold"; `rewrite`
makes the tables say exactly that for one instance. The property tests compare the two after random
walks, so a list never disagrees with the workflow it summarizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    LOCALTZ,
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.dialects import postgresql, sqlite

from . import writes
from .db import db
from .deployments import FORM_PROPERTY
from .errors import ProcessError
from .models import HumanTask, Timer


@dataclass(frozen=True)
class TaskView:
    id: str
    element_id: str
    name: str | None
    lane: str | None
    role: str | None
    candidate_group: str | None
    assignee: str | None
    due_at: datetime | None
    form_ref: str | None
    properties: dict[str, Any] = field(hash=False, compare=False)
    priority: int = 0


@dataclass(frozen=True)
class TimerView:
    id: str
    element_id: str
    name: str | None
    kind: str
    placement: str
    interrupting: bool | None
    attached_to: str | None
    due_at: datetime


@dataclass
class Snapshot:
    tasks: list[TaskView]
    timers: list[TimerView]
    completed: bool

    @property
    def next_due_at(self) -> datetime | None:
        return min((t.due_at for t in self.timers), default=None)


def _timer_due(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, dict):  # a cycle that has not computed its next firing
        value = value.get("next")
    if isinstance(value, datetime):
        due = value
    else:
        try:
            due = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if due.tzinfo is None:
        # SpiffWorkflow reads a time without an offset as the server's local time; so do we.
        due = due.replace(tzinfo=LOCALTZ)
    # A plain datetime, whatever class SpiffWorkflow's patched module produced.
    return datetime.fromtimestamp(due.timestamp(), UTC)


def _timer_kind(definition) -> str:
    if isinstance(definition, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(definition, DurationTimerEventDefinition):
        return "duration"
    return "date"


def timers_of(workflow) -> list[TimerView]:
    views = []
    for task in workflow.event_manager.tasks.values():
        spec = task.task_spec
        definition = getattr(spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition) or not task.has_state(TaskState.WAITING):
            continue
        due = _timer_due(definition.details(task).value)
        if due is None:
            continue
        if isinstance(spec, BoundaryEvent):
            placement, interrupting = "boundary", bool(spec.cancel_activity)
            split = task.parent
            attached = next((c for c in split.children if not isinstance(c.task_spec, BoundaryEvent)), None)
            attached_to = attached.task_spec.bpmn_id if attached is not None else None
        else:
            placement = "start" if isinstance(spec, StartEvent) else "intermediate"
            interrupting, attached_to = None, None
        views.append(
            TimerView(
                id=str(task.id),
                element_id=spec.bpmn_id or spec.name,
                name=spec.bpmn_name,
                kind=_timer_kind(definition),
                placement=placement,
                interrupting=interrupting,
                attached_to=attached_to,
                due_at=due,
            )
        )
    return sorted(views, key=lambda v: (v.due_at, v.id))


def _deadline_of(task) -> datetime | None:
    """The earliest interrupting boundary timer on the task or on any subprocess around it."""
    top = task.workflow.top_workflow
    deadlines = []
    current = task
    while current is not None:
        parent = current.parent
        if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
            for sibling in parent.children:
                spec = sibling.task_spec
                if (
                    isinstance(spec, BoundaryEvent)
                    and spec.cancel_activity
                    and isinstance(spec.event_definition, TimerEventDefinition)
                    and sibling.has_state(TaskState.WAITING)
                ):
                    due = _timer_due(spec.event_definition.details(sibling).value)
                    if due is not None:
                        deadlines.append(due)
        parent_task_id = current.workflow.parent_task_id
        current = top.get_task_from_id(parent_task_id) if parent_task_id is not None else None
    return min(deadlines, default=None)


def _property_error(task, name: str, expression: str, reason: str) -> ProcessError:
    """A property that cannot be evaluated stops the command like a failing script does: the
    sweep records an incident, a completion answers with the step and the reason. Falling back to
    the lane silently would hand the task to people the diagram did not mean."""
    return ProcessError(f"{name} {expression!r}: {reason}", element_id=task.task_spec.bpmn_id)


def _evaluate(task, name: str, expression: str | None):
    if not expression:
        return None
    try:
        return task.workflow.script_engine.evaluate(task, expression)
    except Exception as exc:
        inner = exc.__cause__ or exc.__context__ or exc
        reason = f"{inner.__class__.__name__}: {inner}"
        if inner is not exc and str(exc).strip() and "Did you mean" in str(exc):
            reason += f" ({str(exc).split('Did you mean', 1)[1].strip()})"
        raise _property_error(task, name, expression, reason) from exc


def _as_instant(task, expression: str | None, value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            due = _timer_due(value)
        except (ValueError, TypeError):
            due = None
        if due is not None:
            return due
    reason = f"gives {value!r}, not an ISO 8601 date and time"
    raise _property_error(task, "dueAt", expression or "", reason)


_ASSIGNMENT_KEY = "ombudsflow_assignment"


def _assignment(task, properties: dict[str, str]) -> dict[str, Any]:
    """Group, assignee, due time and priority, evaluated once when the task becomes ready and kept
    in the task's internal data: `dueAt` may read the clock (`add_days(now(), 10)`), and a
    projection must say the same thing however often it is rewritten."""
    kept = task.internal_data.get(_ASSIGNMENT_KEY)
    if kept is None:
        group = _evaluate(task, "candidateGroup", properties.get("candidateGroup"))
        assignee = _evaluate(task, "assignee", properties.get("assignee"))
        due_text = properties.get("dueAt")
        due = _as_instant(task, due_text, _evaluate(task, "dueAt", due_text))
        priority = _evaluate(task, "priority", properties.get("priority"))
        if priority is not None and not isinstance(priority, int | float):
            reason = f"gives {priority!r}, not a number"
            raise _property_error(task, "priority", properties["priority"], reason)
        kept = {
            "candidate_group": str(group) if group else None,
            "assignee": str(assignee) if assignee else None,
            "due_at": due.isoformat() if due else None,
            "priority": int(priority) if isinstance(priority, int | float) else 0,
        }
        task.internal_data[_ASSIGNMENT_KEY] = kept
    return kept


_LANE_ROLE = re.compile(r"\(([\w.-]+)\)\s*$")


def role_of_lane(lane: str | None) -> str | None:
    """A lane named "Юрист (lawyer)" is the role `lawyer`; a lane named "lawyer" too."""
    if not lane:
        return None
    match = _LANE_ROLE.search(lane)
    return (match.group(1) if match else lane).strip().lower()


def tasks_of(workflow) -> list[TaskView]:
    """READY user and manual tasks, with who may do them and by when.

    A task's properties may say `candidateGroup`, `assignee`, `dueAt` and `priority` as expressions
    over its data (`"authority:" + str(authority_id)`); without them the group is the lane, the due
    time the earliest interrupting boundary timer around the task, and the priority 0.
    """
    views = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        spec = task.task_spec
        properties = dict((getattr(spec, "extensions", None) or {}).get("properties", {}))
        lane = spec.lane
        role = role_of_lane(lane)
        kept = _assignment(task, properties)
        due = datetime.fromisoformat(kept["due_at"]) if kept["due_at"] else _deadline_of(task)
        views.append(
            TaskView(
                id=str(task.id),
                element_id=spec.bpmn_id or spec.name,
                name=spec.bpmn_name,
                lane=lane,
                role=role,
                candidate_group=kept["candidate_group"] or role,
                assignee=kept["assignee"],
                due_at=due,
                form_ref=properties.get(FORM_PROPERTY),
                properties=properties,
                priority=kept.get("priority", 0),
            )
        )
    return views


def snapshot(workflow) -> Snapshot:
    return Snapshot(tasks=tasks_of(workflow), timers=timers_of(workflow), completed=workflow.completed)


# --- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    """What the rewrite needs of an open `human_task` row."""

    id: str
    due_at: datetime | None
    candidate_group: str | None
    assignee: str | None
    version: int


def open_row_columns(table) -> tuple:
    """The columns of `OpenRow` in `human_task` (or an alias of it, to read them with a join)."""
    return tuple(table.c[name] for name in OpenRow.__dataclass_fields__)


def open_rows_from(rows, *, prefix: str, leave_out: str | None = None) -> dict[str, OpenRow]:
    """Open rows read by another query, one per result row, labelled `prefix` + column name (an
    outer join: all NULL when the instance has none)."""
    found = {}
    for row in rows:
        values = {name: getattr(row, prefix + name) for name in OpenRow.__dataclass_fields__}
        if values["id"] is not None and values["id"] != leave_out:
            found[values["id"]] = OpenRow(**values)
    return found


@dataclass(frozen=True)
class OpenTask:
    """An open task as a command left it: what a caller shows as "next tasks", version included."""

    id: str
    element_id: str
    name: str | None
    role: str | None
    candidate_group: str | None
    assignee: str | None
    due_at: datetime | None
    version: int
    status: str = "open"


_ht = HumanTask.__table__
_tt = Timer.__table__

# Built once: SQLAlchemy memoizes a statement object's cache key, so executing a prebuilt statement
# skips construction and cache-key generation on every command (the engine's hot path).
_OPEN_ROWS = sa.select(*open_row_columns(_ht)).where(
    _ht.c.instance_id == sa.bindparam("b_instance_id"), _ht.c.status == "open"
)
_INSERT_TASKS = _ht.insert().inline()
_CANCEL_TASKS = (
    _ht.update()
    .where(_ht.c.id.in_(sa.bindparam("b_ids", expanding=True)), _ht.c.status == "open")
    .values(status="cancelled", completed_at=sa.bindparam("b_now"), version=_ht.c.version + 1)
)
_RETARGET_TASK = (
    _ht.update()
    .where(_ht.c.id == sa.bindparam("b_id"))
    .values(
        due_at=sa.bindparam("b_due_at"),
        candidate_group=sa.bindparam("b_candidate_group"),
        version=_ht.c.version + 1,
    )
)
_INSERT_NEW_TIMERS = {
    "postgresql": postgresql.insert(_tt).on_conflict_do_nothing(index_elements=["id"]),
    "sqlite": sqlite.insert(_tt).on_conflict_do_nothing(index_elements=["id"]),
}


@dataclass
class RewriteResult:
    created: list[TaskView]
    cancelled: list[str]
    open: list[OpenTask] = field(default_factory=list)


def rewrite(
    instance,
    snap: Snapshot,
    *,
    now: datetime,
    done_task_id: str | None = None,
    open_rows: dict[str, OpenRow] | None = None,
) -> RewriteResult:
    """Make `human_task` and `timer` for one instance say what `snap` says.

    Open task rows keep their claim, draft and version while the task stays READY; rows for tasks
    that left READY other than `done_task_id` (completed by this command) become cancelled.

    `instance` is the locked instance row as it was before the command. Reads are skipped where the
    answer is known: `open_rows` read by the caller with the lock, and the timer rows of an instance
    whose `next_due_at` was empty (there are none: both are written in one transaction).
    """
    conn = db.session.connection()
    if open_rows is None:
        open_rows = {row.id: row for row in conn.execute(_OPEN_ROWS, {"b_instance_id": instance.id})}
    wanted = {t.id: t for t in snap.tasks}
    created = [t for t in snap.tasks if t.id not in open_rows]
    gone = [tid for tid in open_rows if tid not in wanted and tid != done_task_id]
    # Writes go out with the command's other writes (engine/writes.py); the reads below touch no row
    # they change.
    if created:
        writes.defer(
            _INSERT_TASKS,
            [
                {
                    "id": t.id,
                    "instance_id": instance.id,
                    "process_id": instance.process_id,
                    "element_id": t.element_id,
                    "name": t.name,
                    "lane": t.lane,
                    "role": t.role,
                    "candidate_group": t.candidate_group,
                    "assignee": t.assignee,
                    "claimed_at": now if t.assignee else None,
                    "due_at": t.due_at,
                    "business_key": instance.business_key,
                    "deployment_id": instance.deployment_id,
                    "form_ref": t.form_ref,
                    "properties": t.properties,
                    "priority": t.priority,
                    "status": "open",
                    "version": 1,
                    "created_at": now,
                }
                for t in created
            ],
        )
    if gone:
        writes.defer(_CANCEL_TASKS, {"b_ids": gone, "b_now": now})
    still_open = []
    for tid, row in open_rows.items():
        view = wanted.get(tid)
        if view is None:
            continue
        version = row.version
        if row.due_at != view.due_at or row.candidate_group != view.candidate_group:
            writes.defer(
                _RETARGET_TASK,
                {"b_id": tid, "b_due_at": view.due_at, "b_candidate_group": view.candidate_group},
            )
            version += 1
        still_open.append(_open_task(view, row.assignee, version))
    still_open.extend(_open_task(t, t.assignee, 1) for t in created)

    may_have_timers = instance.next_due_at is not None
    if not snap.timers and not may_have_timers:
        return RewriteResult(created=created, cancelled=gone, open=still_open)
    # Written without reading the instance's timer rows first (a round trip saved): rows whose timer
    # is gone or whose due time changed are deleted, the wanted ones inserted unless already there
    # (a kept row keeps its attempts and status, as before).
    if may_have_timers:
        keep = [sa.and_(_tt.c.id == t.id, _tt.c.due_at == t.due_at) for t in snap.timers]
        stale = _tt.delete().where(_tt.c.instance_id == instance.id)
        writes.defer(stale.where(sa.not_(sa.or_(*keep))) if keep else stale, {})
    if snap.timers:
        writes.defer(
            _INSERT_NEW_TIMERS[conn.dialect.name],
            [
                {
                    "id": t.id,
                    "instance_id": instance.id,
                    "element_id": t.element_id,
                    "name": t.name,
                    "kind": t.kind,
                    "placement": t.placement,
                    "interrupting": t.interrupting,
                    "attached_to": t.attached_to,
                    "due_at": t.due_at,
                    "fire_at": t.due_at,
                    "status": "waiting",
                    "attempts": 0,
                }
                for t in snap.timers
            ],
        )
    return RewriteResult(created=created, cancelled=gone, open=still_open)


def _open_task(view: TaskView, assignee: str | None, version: int) -> OpenTask:
    return OpenTask(
        id=view.id,
        element_id=view.element_id,
        name=view.name,
        role=view.role,
        candidate_group=view.candidate_group,
        assignee=assignee,
        due_at=view.due_at,
        version=version,
    )
