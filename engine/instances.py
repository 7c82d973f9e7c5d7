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
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import audit, deployments, forms, metrics, projections, serialization, services, writes
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
    # Every open task of the instance after the command, with its version (nothing to re-read).
    open_tasks: list[projections.OpenTask] = field(default_factory=list)
    process_id: str | None = None


@dataclass(frozen=True)
class LockedTask:
    """The task a completion is about, as the locking read found it: what a host needs to decide
    whether the caller may complete it (`complete(authorize=…)`), without a read of its own."""

    id: str
    instance_id: int
    process_id: str
    business_key: str | None
    element_id: str
    name: str | None
    role: str | None
    candidate_group: str | None
    assignee: str | None
    due_at: Any
    status: str
    version: int
    completed_by: str | None = None


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

    def __init__(self, row, actor: str, open_rows: dict[str, projections.OpenRow] | None = None) -> None:
        self.row = row
        # The instance's open task rows, read with the lock (None: the rewrite reads them itself).
        self.open_rows = open_rows
        self.actor = actor
        self.steps: list[str] = []
        self.outbox = InstanceOutbox(row.id, row.business_key)
        self.script_engine = make_script_engine(self._call_service)
        self.workflow: BpmnWorkflow | None = None

    # The sandbox calls back here for every service task the workflow reaches.
    def _call_service(self, task, operation_name: str, operation_params: dict[str, Any]) -> str:
        handler = services.get(operation_name)
        writes.flush()  # a handler may read what the command has written so far
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
        _write_state(self.row, state=state, status=status, next_due_at=snap.next_due_at, now=now)
        result = projections.rewrite(
            self.row,
            snap,
            now=now,
            done_task_id=done_task_id,
            open_rows=self.open_rows,
        )
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


_pi = ProcessInstance.__table__
_ht = HumanTask.__table__

# The hot path's statements are built once: SQLAlchemy memoizes a statement object's cache key, so
# executing a prebuilt statement skips construction and cache-key generation on every command.
_LOCK_COLUMNS = (
    _pi.c.id,
    _pi.c.version,
    _pi.c.state,
    _pi.c.deployment_id,
    _pi.c.process_id,
    _pi.c.business_key,
    _pi.c.status,
    _pi.c.next_due_at,
)
_READ = sa.select(*_LOCK_COLUMNS).where(_pi.c.id == sa.bindparam("b_id"))
# The instance's open tasks come along with the lock, one row per open task: the rewrite needs them,
# and a round trip to PostgreSQL costs more than the statement. Only the instance row is locked.
_open = _ht.alias("open_task")
_OPEN_COLUMNS = tuple(c.label(f"open_{c.name}") for c in projections.open_row_columns(_open))
_LOCK = (
    sa.select(*_LOCK_COLUMNS, *_OPEN_COLUMNS)
    .select_from(_pi)
    .outerjoin(_open, sa.and_(_open.c.instance_id == _pi.c.id, _open.c.status == "open"))
    .where(_pi.c.id == sa.bindparam("b_id"))
    .with_for_update(of=_pi)
)
# Completing a task: the task, its instance (locked) and the instance's open tasks in one statement.
# Always the instance first, then its task rows, like every other command: no two commands deadlock.
_TASK_AND_LOCK = (
    sa.select(
        _ht.c.id.label("task_id"),
        _ht.c.status.label("task_status"),
        _ht.c.version.label("task_version"),
        _ht.c.deployment_id.label("task_deployment_id"),
        _ht.c.form_ref,
        _ht.c.element_id,
        _ht.c.name,
        _ht.c.lane,
        _ht.c.role,
        _ht.c.candidate_group,
        _ht.c.assignee,
        _ht.c.due_at,
        _ht.c.completed_by,
        *_LOCK_COLUMNS,
        *_OPEN_COLUMNS,
    )
    .join_from(_ht, _pi, _pi.c.id == _ht.c.instance_id)
    .outerjoin(_open, sa.and_(_open.c.instance_id == _pi.c.id, _open.c.status == "open"))
    .where(_ht.c.id == sa.bindparam("b_task_id"))
    .with_for_update(of=_pi)
)
_CLAIM_VALUES = {
    "status": "completed",
    "completed_at": sa.bindparam("b_now"),
    "completed_by": sa.bindparam("b_actor"),
    "version": _ht.c.version + 1,
    "draft": None,
}
_CLAIM = (
    _ht.update().where(_ht.c.id == sa.bindparam("b_task_id"), _ht.c.status == "open").values(_CLAIM_VALUES)
)
_CLAIM_VERSION = (
    _ht.update()
    .where(
        _ht.c.id == sa.bindparam("b_task_id"),
        _ht.c.status == "open",
        _ht.c.version == sa.bindparam("b_version"),
    )
    .values(_CLAIM_VALUES)
)
_TASK_STATE = sa.select(_ht.c.status, _ht.c.version).where(_ht.c.id == sa.bindparam("b_task_id"))
# The version check works on both databases (on SQLite it is the only guard against a lost update).
_SAVE = _pi.update().where(_pi.c.id == sa.bindparam("b_id"), _pi.c.version == sa.bindparam("b_version"))
_INSERT_INSTANCE = _pi.insert().returning(_pi.c.id)


def _lock(instance_id: int, actor: str) -> _Command:
    """A command on the instance row, locked until commit on PostgreSQL (SQLite serializes writers
    itself)."""
    rows = db.session.connection().execute(_LOCK, {"b_id": instance_id}).all()
    if not rows:
        raise NotFound(f"process instance {instance_id} does not exist", instance_id=instance_id)
    return _Command(rows[0], actor, projections.open_rows_from(rows, prefix="open_"))


@dataclass(frozen=True)
class _NewRow:
    """What `_lock` would return for an instance this transaction has just inserted."""

    id: int
    version: int
    state: str
    deployment_id: int
    process_id: str
    business_key: str | None
    status: str
    next_due_at: None


def _write_state(row, *, state: str, status: str, next_due_at, now) -> None:
    writes.defer(
        _SAVE,
        {
            "b_id": row.id,
            "b_version": row.version,
            "state": state,
            "version": row.version + 1,
            "status": status,
            "next_due_at": next_due_at,
            "updated_at": now,
            "ended_at": now if status in ("completed", "cancelled") else None,
        },
        expect=1,
        otherwise=lambda _n: _instance_changed(row.id),
    )


def _instance_changed(instance_id: int):
    raise Conflict("the process instance changed meanwhile; reload and try again", instance_id=instance_id)


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
        open_tasks=rewrite.open,
        process_id=cmd.row.process_id,
    )


def _audit_end(cmd: _Command, status: str) -> None:
    if status == "completed":
        audit.record(
            "instance_completed",
            actor=cmd.actor,
            instance_id=cmd.row.id,
            business_key=cmd.row.business_key,
            details={"steps": cmd.steps[-5:]},
            deferred=True,
        )


@contextmanager
def _writes():
    """A command's writes go out together at its end (engine/writes.py); on an error none do."""
    try:
        yield
    except BaseException:
        writes.discard()
        raise
    writes.flush()


# --- commands ----------------------------------------------------------------------------------


@metrics.command("start")
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
    values = {
        "definition_id": definition.id,
        "deployment_id": definition.deployment_id,
        "process_id": process_id,
        "business_key": business_key,
        "status": "running",
        "version": 0,
        "state": "",
        "next_due_at": None,
        "open_incidents": 0,
        "created_at": now,
        "created_by": actor,
        "updated_at": now,
    }
    # A new row is visible to nobody else until commit: no lock to take, nothing to read back.
    instance_id = db.session.connection().execute(_INSERT_INSTANCE, values).scalar_one()
    row = _NewRow(
        id=instance_id,
        version=0,
        state="",
        deployment_id=definition.deployment_id,
        process_id=process_id,
        business_key=business_key,
        status="running",
        next_due_at=None,
    )
    cmd = _Command(row, actor, open_rows={})
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=cmd.script_engine)
    workflow.task_tree.data.update(initial)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(initial))
    cmd.workflow = workflow
    with _writes():
        audit.record(
            "instance_started",
            actor=actor,
            instance_id=instance_id,
            business_key=business_key,
            details={
                "process_id": process_id,
                "version": definition.version,
                "data": audit.data_diff({}, initial),
            },
            deferred=True,
        )
        cmd.advance()
        snap, rewrite, status = cmd.save()
        _audit_end(cmd, status)
    _notify(cmd, "start", snap, status)
    return _result(cmd, snap, rewrite, status)


@metrics.command("complete")
def complete(
    task_id: str,
    *,
    actor: str,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    validate_form: bool = True,
    authorize: Callable[[LockedTask], None] | None = None,
) -> CommandResult:
    """Complete a READY user task with the submitted form data.

    Round trips on PostgreSQL: the locking read (the task, its instance, the instance's open tasks),
    then every write at once (claim, state, projections, audit), then the caller's commit.
    `authorize(task)` is the host's access check on what that read found; it raises to refuse.
    """
    conn = db.session.connection()
    rows = conn.execute(_TASK_AND_LOCK, {"b_task_id": task_id}).all()
    if not rows:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    row = rows[0]
    if authorize is not None:
        authorize(_locked_task(row))
    if row.task_status != "open" or (expected_version is not None and row.task_version != expected_version):
        _task_conflict(task_id, expected_version, row.task_status, row.task_version)
    submitted = copy.deepcopy(data or {})
    _check_json(submitted)
    if validate_form:
        forms.validate(deployments.form(row.task_deployment_id, row.form_ref), submitted)
    with _writes():
        # The claim decides a race: of two requests with the same version exactly one updates the
        # row (a claim or a draft saved meanwhile bumps the version and loses to it). It goes out
        # with the other writes; the instance row is locked meanwhile, and a lost claim rolls the
        # whole command back.
        params = {"b_task_id": task_id, "b_now": clock.now(), "b_actor": actor}
        if expected_version is None:
            claim, claim_params = _CLAIM, params
        else:
            claim, claim_params = _CLAIM_VERSION, {**params, "b_version": expected_version}
        writes.defer(
            claim, claim_params, expect=1, otherwise=lambda _n: _claim_lost(task_id, expected_version)
        )
        cmd = _Command(row, actor, projections.open_rows_from(rows, prefix="open_", leave_out=task_id))
        workflow = cmd.restore()
        task = workflow.get_task_from_id(_uuid(task_id))
        if task is None or not task.has_state(TaskState.READY):
            writes.flush()  # a completion that won the race meanwhile says so first
            raise Conflict(f"task {task_id} is not ready in its process", task_id=task_id)
        if validate_form:
            forms.check_rules(row.form_ref, submitted, task.data)
        before = dict(task.data)
        task.data.update(submitted)
        try:
            task.run()
        except (SpiffWorkflowException, SandboxError) as exc:
            raise _process_error(exc) from exc
        cmd._record_step(task)
        cmd.advance()
        snap, rewrite, status = cmd.save(done_task_id=task_id)
        audit.record(
            "task_completed",
            actor=actor,
            instance_id=row.id,
            business_key=row.business_key,
            task_id=task_id,
            element_id=row.element_id,
            subject=row.name,
            details={"data": audit.data_diff(before, task.data), "steps": cmd.steps[1:]},
            deferred=True,
        )
        _audit_end(cmd, status)
    done = projections.TaskView(
        id=task_id,
        element_id=row.element_id,
        name=row.name,
        lane=row.lane,
        role=row.role,
        candidate_group=row.candidate_group,
        assignee=row.assignee,
        due_at=row.due_at,
        form_ref=row.form_ref,
        properties={},
    )
    _notify(cmd, "complete", snap, status, completed_task=done)
    return _result(cmd, snap, rewrite, status)


def _locked_task(row) -> LockedTask:
    return LockedTask(
        id=row.task_id,
        instance_id=row.id,
        process_id=row.process_id,
        business_key=row.business_key,
        element_id=row.element_id,
        name=row.name,
        role=row.role,
        candidate_group=row.candidate_group,
        assignee=row.assignee,
        due_at=row.due_at,
        status=row.task_status,
        version=row.task_version,
        completed_by=row.completed_by,
    )


def _task_conflict(task_id: str, expected_version: int | None, status: str, version: int):
    if status != "open":
        raise Conflict(f"task {task_id} is already {status}", task_id=task_id, status=status, version=version)
    raise Conflict(
        f"task {task_id} changed (version {version}, you sent {expected_version})",
        task_id=task_id,
        status=status,
        version=version,
    )


def _claim_lost(task_id: str, expected_version: int | None):
    current = db.session.connection().execute(_TASK_STATE, {"b_task_id": task_id}).first()
    _task_conflict(task_id, expected_version, current.status, current.version)


@metrics.command("message")
def send_message(
    instance_id: int, name: str, *, payload: dict[str, Any] | None = None, actor: str
) -> CommandResult:
    """Deliver a BPMN message to a waiting catch event, receive task or event subprocess."""
    cmd = _lock(instance_id, actor)
    row = cmd.row
    _require_running(row)
    workflow = cmd.restore()
    data = copy.deepcopy(payload or {})
    _check_json(data)
    # Whatever may catch it: a catch event, a boundary event, an event-based gateway, or the start
    # of an event subprocess (which has no waiting task until the message starts it).
    try:
        caught = workflow.event_manager.catch(BpmnEvent(MessageEventDefinition(name), data), internal=False)
    except (SpiffWorkflowException, SandboxError) as exc:
        raise _process_error(exc) from exc
    if not caught:
        raise Conflict(
            f"instance {instance_id} is not waiting for message {name!r}",
            instance_id=instance_id,
            message_name=name,
        )
    with _writes():
        cmd.advance()
        snap, rewrite, status = cmd.save()
        audit.record(
            "message_received",
            actor=actor,
            instance_id=row.id,
            business_key=row.business_key,
            subject=name,
            details={"data": audit.data_diff({}, data), "steps": cmd.steps},
            deferred=True,
        )
        _audit_end(cmd, status)
    _notify(cmd, "message", snap, status)
    return _result(cmd, snap, rewrite, status)


@metrics.command("timer")
def fire_timers(instance_id: int, *, actor: str = "timer") -> CommandResult:
    """Fire whatever timers of the instance are due at the engine clock (used by the sweep)."""
    cmd = _lock(instance_id, actor)
    row = cmd.row
    workflow = cmd.restore()
    now = clock.now()
    before = projections.timers_of(workflow)
    with _writes():
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
                deferred=True,
            )
        _audit_end(cmd, status)
    _notify(cmd, "timer", snap, status, fired=fired)
    return _result(cmd, snap, rewrite, status, fired=fired)


@metrics.command("cancel")
def cancel(instance_id: int, *, actor: str, reason: str = "") -> CommandResult:
    cmd = _lock(instance_id, actor)
    row = cmd.row
    _require_running(row)
    workflow = cmd.restore()
    workflow.cancel()
    snap = projections.Snapshot(tasks=[], timers=[], completed=False)
    now = clock.now()
    with _writes():
        _write_state(row, state=serialization.dump(workflow), status="cancelled", next_due_at=None, now=now)
        rewrite = projections.rewrite(row, snap, now=now, open_rows=cmd.open_rows)
        audit.record(
            "instance_cancelled",
            actor=actor,
            instance_id=row.id,
            business_key=row.business_key,
            details={"reason": reason},
            deferred=True,
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
    row = db.session.execute(_READ, {"b_id": instance_id}).first()
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
    "LockedTask",
    "Trace",
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
