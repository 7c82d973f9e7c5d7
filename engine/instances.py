"""Commands on process instances: start, complete a task, deliver a message, fire timers, cancel.

Each command is one unit of work inside the caller's transaction (DESIGN.md rule 1): lock the
instance row, restore the workflow onto the deployment's cached spec, apply, run engine steps,
serialize, rewrite the projections, append audit events and outbox rows. The caller commits once;
the engine never commits, so a domain service can create its own rows and start a process
atomically.
"""

from __future__ import annotations

import copy
import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import audit, deployments, forms, projections, serialization, services
from .clock import clock
from .db import db
from .errors import Conflict, EngineError, NotFound, ProcessError
from .models import HumanTask, ProcessInstance
from .outbox import InstanceOutbox
from .scripting import SandboxError, SandboxScriptEngine

# Spec names SpiffWorkflow adds around the diagram's own elements; not worth a line in a timeline.
_INTERNAL_SPECS = ("Start", "End", "Root")


@dataclass
class CommandResult:
    instance_id: int
    business_key: str | None
    status: str
    version: int
    snapshot: projections.Snapshot
    created_tasks: list[projections.TaskView] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    fired: list[projections.TimerView] = field(default_factory=list)


@dataclass
class ChangeEvent:
    """What listeners hear after every command: enough to update a domain projection."""

    command: str
    actor: str
    instance_id: int
    process_id: str
    business_key: str | None
    status: str
    snapshot: projections.Snapshot
    workflow: BpmnWorkflow
    steps: list[str]
    fired: list[projections.TimerView]
    completed_task: projections.TaskView | None = None


Listener = Callable[[ChangeEvent], None]
_listeners: list[Listener] = []


def on_change(listener: Listener) -> Listener:
    """Register a function run inside every command's transaction after the projections are written."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


# --- the command runner ------------------------------------------------------------------------


class _Command:
    """One locked instance being advanced; knows how to restore, run and save it."""

    def __init__(self, row, actor: str) -> None:
        self.row = row
        self.actor = actor
        self.steps: list[str] = []
        self.outbox = InstanceOutbox(row.id, row.business_key)
        self.script_engine = make_script_engine(self._call_service)
        self.workflow: BpmnWorkflow | None = None

    # The sandbox calls back here for every service task the workflow reaches.
    def _call_service(self, task, operation_name: str, operation_params: dict[str, Any]) -> str:
        handler = services.get(operation_name)
        params = {name: p.get("value") if isinstance(p, dict) else p for name, p in operation_params.items()}
        ctx = services.ServiceContext(
            instance_id=self.row.id,
            business_key=self.row.business_key,
            process_id=self.row.process_id,
            element_id=task.task_spec.bpmn_id,
            task_data=task.data,
            actor=self.actor,
            outbox=self.outbox,
        )
        return json.dumps(handler(ctx, params), default=str)

    def restore(self) -> BpmnWorkflow:
        spec, subprocess_specs = deployments.spec_for(self.row.deployment_id, self.row.process_id)
        state = self.row.state
        self.workflow = serialization.load(state, spec, subprocess_specs, self.script_engine)
        return self.workflow

    def _record_step(self, task) -> None:
        spec = task.task_spec
        if spec.bpmn_id and spec.name not in _INTERNAL_SPECS:
            self.steps.append(spec.bpmn_id)

    def advance(self) -> None:
        """Run engine steps until nothing more is ready, firing timers due at the engine clock."""
        workflow = self.workflow
        try:
            workflow.do_engine_steps(did_complete_task=self._record_step)
            # do_engine_steps refreshes timers last; a timer that fires there leaves READY tasks.
            while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
                workflow.do_engine_steps(did_complete_task=self._record_step)
        except (SpiffWorkflowException, SandboxError, services.UnknownService) as exc:
            raise _process_error(exc) from exc

    def save(
        self, *, done_task_id: str | None = None
    ) -> tuple[projections.Snapshot, projections.RewriteResult, str]:
        workflow = self.workflow
        snap = projections.snapshot(workflow)
        state = serialization.dump(workflow)
        now = clock.now()
        status = "completed" if snap.completed else self.row.status
        pi = ProcessInstance.__table__
        updated = db.session.execute(
            pi.update()
            .where(pi.c.id == self.row.id, pi.c.version == self.row.version)
            .values(
                state=state,
                version=self.row.version + 1,
                status=status,
                next_due_at=snap.next_due_at,
                updated_at=now,
                ended_at=now if status == "completed" else None,
            )
        )
        if updated.rowcount != 1:
            raise Conflict(
                "the process instance changed meanwhile; reload and try again", instance_id=self.row.id
            )
        result = projections.rewrite(self.row, snap, now=now, done_task_id=done_task_id)
        return snap, result, status


def make_script_engine(service_caller=None) -> SandboxScriptEngine:
    timeout = current_app.config.get("OMBUDSFLOW_SCRIPT_TIMEOUT_MS", 200)
    return SandboxScriptEngine(timeout_ms=timeout, service_caller=service_caller)


def _process_error(exc: BaseException) -> ProcessError:
    task = getattr(exc, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    inner = getattr(exc, "exception", None) or exc
    message = str(exc)
    notes = getattr(exc, "__notes__", None)
    if notes:
        message = f"{message} ({'; '.join(notes)})"
    if inner is not exc and str(inner) not in message:
        message = f"{message}: {inner}"
    return ProcessError(message, element_id=element, stack="".join(traceback.format_exception(exc)))


_LOCK_COLUMNS = (
    ProcessInstance.id,
    ProcessInstance.version,
    ProcessInstance.state,
    ProcessInstance.deployment_id,
    ProcessInstance.process_id,
    ProcessInstance.business_key,
    ProcessInstance.status,
)


def _lock(instance_id: int):
    """The instance row, locked until commit on PostgreSQL (SQLite serializes writers itself)."""
    row = db.session.execute(
        sa.select(*_LOCK_COLUMNS).where(ProcessInstance.id == instance_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist", instance_id=instance_id)
    return row


def _notify(cmd: _Command, command: str, snap, status: str, fired=(), completed_task=None) -> None:
    if not _listeners:
        return
    event = ChangeEvent(
        command=command,
        actor=cmd.actor,
        instance_id=cmd.row.id,
        process_id=cmd.row.process_id,
        business_key=cmd.row.business_key,
        status=status,
        snapshot=snap,
        workflow=cmd.workflow,
        steps=cmd.steps,
        fired=list(fired),
        completed_task=completed_task,
    )
    for listener in _listeners:
        listener(event)


def _result(cmd: _Command, snap, rewrite, status: str, fired=()) -> CommandResult:
    return CommandResult(
        instance_id=cmd.row.id,
        business_key=cmd.row.business_key,
        status=status,
        version=cmd.row.version + 1,
        snapshot=snap,
        created_tasks=rewrite.created,
        steps=cmd.steps,
        fired=list(fired),
    )


def _audit_end(cmd: _Command, status: str) -> None:
    if status == "completed":
        audit.record(
            "instance_completed",
            actor=cmd.actor,
            instance_id=cmd.row.id,
            business_key=cmd.row.business_key,
            details={"steps": cmd.steps[-5:]},
        )


# --- commands ----------------------------------------------------------------------------------


def start(
    process_id: str, *, data: dict[str, Any] | None = None, business_key: str | None = None, actor: str
) -> CommandResult:
    """Start the newest version of `process_id` with `data` as its initial task data."""
    definition = deployments.latest_definition(process_id)
    if definition is None:
        raise NotFound(f"no deployed process with id {process_id!r}", process_id=process_id)
    spec, subprocess_specs = deployments.spec_for(definition.deployment_id, process_id)
    now = clock.now()
    initial = copy.deepcopy(data or {})
    _check_json(initial)
    instance = ProcessInstance(
        definition_id=definition.id,
        deployment_id=definition.deployment_id,
        process_id=process_id,
        business_key=business_key,
        status="running",
        version=0,
        state="",
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    db.session.add(instance)
    db.session.flush()
    row = _lock(instance.id)
    cmd = _Command(row, actor)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=cmd.script_engine)
    workflow.task_tree.data.update(initial)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(initial))
    cmd.workflow = workflow
    audit.record(
        "instance_started",
        actor=actor,
        instance_id=instance.id,
        business_key=business_key,
        details={
            "process_id": process_id,
            "version": definition.version,
            "data": audit.data_diff({}, initial),
        },
    )
    cmd.advance()
    snap, rewrite, status = cmd.save()
    _audit_end(cmd, status)
    _notify(cmd, "start", snap, status)
    db.session.expire(instance)
    return _result(cmd, snap, rewrite, status)


def complete(
    task_id: str,
    *,
    actor: str,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    validate_form: bool = True,
) -> CommandResult:
    """Complete a READY user task with the submitted form data."""
    ht = HumanTask.__table__
    task_row = db.session.execute(
        sa.select(
            ht.c.id,
            ht.c.instance_id,
            ht.c.status,
            ht.c.version,
            ht.c.deployment_id,
            ht.c.form_ref,
            ht.c.element_id,
            ht.c.name,
            ht.c.lane,
            ht.c.role,
            ht.c.candidate_group,
            ht.c.assignee,
            ht.c.due_at,
        ).where(ht.c.id == task_id)
    ).first()
    if task_row is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    submitted = copy.deepcopy(data or {})
    _check_json(submitted)
    if validate_form:
        forms.validate(deployments.form(task_row.deployment_id, task_row.form_ref), submitted)
    row = _lock(task_row.instance_id)
    # Claim the completion first: of two requests with the same version exactly one updates this row.
    guard = ht.c.status == "open"
    if expected_version is not None:
        guard = sa.and_(guard, ht.c.version == expected_version)
    claimed = db.session.execute(
        ht.update()
        .where(ht.c.id == task_id, guard)
        .values(
            status="completed",
            completed_at=clock.now(),
            completed_by=actor,
            version=ht.c.version + 1,
            draft=None,
        )
    )
    if claimed.rowcount != 1:
        current = db.session.execute(sa.select(ht.c.status, ht.c.version).where(ht.c.id == task_id)).first()
        if current.status != "open":
            raise Conflict(
                f"task {task_id} is already {current.status}",
                task_id=task_id,
                status=current.status,
                version=current.version,
            )
        raise Conflict(
            f"task {task_id} changed (version {current.version}, you sent {expected_version})",
            task_id=task_id,
            status=current.status,
            version=current.version,
        )
    cmd = _Command(row, actor)
    workflow = cmd.restore()
    task = workflow.get_task_from_id(_uuid(task_id))
    if task is None or not task.has_state(TaskState.READY):
        raise Conflict(f"task {task_id} is not ready in its process", task_id=task_id)
    before = dict(task.data)
    task.data.update(submitted)
    try:
        task.run()
    except (SpiffWorkflowException, SandboxError) as exc:
        raise _process_error(exc) from exc
    cmd._record_step(task)
    cmd.advance()
    snap, rewrite, status = cmd.save(done_task_id=task_id)
    done = projections.TaskView(
        id=task_id,
        element_id=task_row.element_id,
        name=task_row.name,
        lane=task_row.lane,
        role=task_row.role,
        candidate_group=task_row.candidate_group,
        assignee=task_row.assignee,
        due_at=task_row.due_at,
        form_ref=task_row.form_ref,
        properties={},
    )
    audit.record(
        "task_completed",
        actor=actor,
        instance_id=row.id,
        business_key=row.business_key,
        task_id=task_id,
        element_id=task_row.element_id,
        subject=task_row.name,
        details={"data": audit.data_diff(before, task.data), "steps": cmd.steps[1:]},
    )
    _audit_end(cmd, status)
    _notify(cmd, "complete", snap, status, completed_task=done)
    return _result(cmd, snap, rewrite, status)


def send_message(
    instance_id: int, name: str, *, payload: dict[str, Any] | None = None, actor: str
) -> CommandResult:
    """Deliver a BPMN message to a waiting catch event, receive task or event subprocess."""
    row = _lock(instance_id)
    _require_running(row)
    cmd = _Command(row, actor)
    workflow = cmd.restore()
    data = copy.deepcopy(payload or {})
    _check_json(data)
    waiting = [
        t
        for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(t.task_spec, CatchingEvent)
        and isinstance(t.task_spec.event_definition, MessageEventDefinition)
        and t.task_spec.event_definition.name == name
    ]
    if not waiting:
        raise Conflict(
            f"instance {instance_id} is not waiting for message {name!r}",
            instance_id=instance_id,
            message_name=name,
        )
    try:
        workflow.catch(BpmnEvent(MessageEventDefinition(name), data))
    except (SpiffWorkflowException, SandboxError) as exc:
        raise _process_error(exc) from exc
    cmd.advance()
    snap, rewrite, status = cmd.save()
    audit.record(
        "message_received",
        actor=actor,
        instance_id=row.id,
        business_key=row.business_key,
        subject=name,
        details={"data": audit.data_diff({}, data), "steps": cmd.steps},
    )
    _audit_end(cmd, status)
    _notify(cmd, "message", snap, status)
    return _result(cmd, snap, rewrite, status)


def fire_timers(instance_id: int, *, actor: str = "timer") -> CommandResult:
    """Fire whatever timers of the instance are due at the engine clock (used by the sweep)."""
    row = _lock(instance_id)
    cmd = _Command(row, actor)
    workflow = cmd.restore()
    now = clock.now()
    before = projections.timers_of(workflow)
    cmd.advance()
    snap, rewrite, status = cmd.save()
    remaining = {t.id for t in snap.timers}
    fired = [t for t in before if t.id not in remaining and t.due_at <= now]
    for timer in fired:
        audit.record(
            "timer_fired",
            actor=actor,
            instance_id=row.id,
            business_key=row.business_key,
            task_id=timer.id,
            element_id=timer.element_id,
            subject=timer.name,
            details={
                "due_at": timer.due_at.isoformat(),
                "kind": timer.kind,
                "placement": timer.placement,
                "interrupting": timer.interrupting,
                "steps": cmd.steps,
            },
        )
    _audit_end(cmd, status)
    _notify(cmd, "timer", snap, status, fired=fired)
    return _result(cmd, snap, rewrite, status, fired=fired)


def cancel(instance_id: int, *, actor: str, reason: str = "") -> CommandResult:
    row = _lock(instance_id)
    _require_running(row)
    cmd = _Command(row, actor)
    workflow = cmd.restore()
    workflow.cancel()
    snap = projections.Snapshot(tasks=[], timers=[], completed=False)
    state = serialization.dump(workflow)
    now = clock.now()
    pi = ProcessInstance.__table__
    updated = db.session.execute(
        pi.update()
        .where(pi.c.id == row.id, pi.c.version == row.version)
        .values(
            state=state,
            version=row.version + 1,
            status="cancelled",
            next_due_at=None,
            updated_at=now,
            ended_at=now,
        )
    )
    if updated.rowcount != 1:
        raise Conflict("the process instance changed meanwhile; reload and try again", instance_id=row.id)
    rewrite = projections.rewrite(row, snap, now=now)
    audit.record(
        "instance_cancelled",
        actor=actor,
        instance_id=row.id,
        business_key=row.business_key,
        details={"reason": reason},
    )
    _notify(cmd, "cancel", snap, "cancelled")
    return _result(cmd, snap, rewrite, "cancelled")


# --- reading ---------------------------------------------------------------------------------------


def get(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"process instance {instance_id} does not exist", instance_id=instance_id)
    return instance


def restore(instance_id: int) -> BpmnWorkflow:
    """A read-only workflow for one detail view (never for lists)."""
    row = db.session.execute(sa.select(*_LOCK_COLUMNS).where(ProcessInstance.id == instance_id)).first()
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist", instance_id=instance_id)
    spec, subprocess_specs = deployments.spec_for(row.deployment_id, row.process_id)
    return serialization.load(row.state, spec, subprocess_specs, make_script_engine())


@dataclass
class Trace:
    """Where an instance has been and where it is, by diagram element id (for the diagram view)."""

    completed: list[str]
    active: list[str]
    waiting: list[str]


def trace(instance_id: int) -> Trace:
    workflow = restore(instance_id)
    completed, active, waiting = [], [], []
    for task in workflow.get_tasks():
        spec = task.task_spec
        element = getattr(spec, "bpmn_id", None)
        if not element:
            continue
        if task.has_state(TaskState.COMPLETED):
            completed.append(element)
        elif task.has_state(TaskState.READY | TaskState.STARTED):
            active.append(element)
        elif task.has_state(TaskState.WAITING):
            waiting.append(element)
    return Trace(_ordered_unique(completed), _ordered_unique(active), _ordered_unique(waiting))


def _ordered_unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _require_running(row) -> None:
    if row.status in {"completed", "cancelled"}:
        raise Conflict(f"process instance {row.id} is {row.status}", instance_id=row.id, status=row.status)


def _uuid(task_id: str):
    from uuid import UUID

    try:
        return UUID(task_id)
    except ValueError:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id) from None


def _check_json(data: Any) -> None:
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"data must be JSON: {exc}") from exc


__all__ = [
    "ChangeEvent",
    "CommandResult",
    "Trace",
    "WorkflowException",
    "cancel",
    "complete",
    "fire_timers",
    "get",
    "on_change",
    "restore",
    "send_message",
    "start",
    "trace",
]
