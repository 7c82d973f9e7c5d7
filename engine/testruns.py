"""Test runs: a throw-away instance of a draft's process, stepped through by the designer.

A test run is not a process instance. Its state lives in `test_run`, never in `process_instance`,
so no inbox, list, count, sweep or listener can see it; it writes no `human_task` or `timer` rows
and no outbox rows. Service tasks do not reach the domain's handlers: a recording caller notes the
operator and its evaluated parameters instead. It has its own clock (`clock.local`): moving it fires
the run's due timers and nobody else's. What a designer sees after each step — the tasks that
appear and for which lane, role and group, the timers set, what each decision table returned — is
read with the same projection code the real engine uses.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import audit, drafts, forms, projections, serialization, services
from .clock import clock
from .db import db
from .errors import Conflict, EngineError, NotFound, ProcessError
from .instances import make_script_engine
from .models import DesignDraft, TestRun
from .scripting import SandboxError

_INTERNAL = ("Start", "End", "Root")
MAX_LOG = 500


class _Recorder:
    """Stands in for the service registry: notes every call, calls no handler. It answers with the
    operator's rehearsal (`services.rehearsal`: the result the handler would give, computed without
    side effects), so a diagram that reads a service's result goes on as it would for real."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, task, operation_name: str, operation_params: dict[str, Any]) -> str:
        params = {k: p.get("value") if isinstance(p, dict) else p for k, p in operation_params.items()}
        self.calls.append(
            {"element_id": task.task_spec.bpmn_id, "operator": operation_name, "params": _jsonable(params)}
        )
        result = services.rehearse(operation_name, dict(task.data), params)
        if not isinstance(result, dict):
            return json.dumps(result, default=str)
        return json.dumps({**result, "test_run": True, "operator": operation_name}, default=str)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class _Step:
    """One command on a test run: restore, apply, advance at the run's clock, log what happened."""

    def __init__(self, run: TestRun, spec, subprocess_specs, workflow=None) -> None:
        self.run = run
        self.recorder = _Recorder()
        self.engine = make_script_engine(self.recorder)
        if workflow is None:
            workflow = serialization.load(run.state, spec, subprocess_specs, self.engine)
        else:
            workflow.script_engine = self.engine
        self.workflow = workflow
        self.entries: list[dict[str, Any]] = []
        self.tasks_before = {t.id: t for t in projections.tasks_of(workflow)} if run.state else {}
        self.timers_before = {t.id for t in projections.timers_of(workflow)} if run.state else set()

    def log(self, kind: str, element_id: str | None = None, name: str | None = None, **detail: Any) -> None:
        self.entries.append(
            {
                "at": self.run.now.isoformat(),
                "kind": kind,
                "element_id": element_id,
                "name": name,
                "detail": _jsonable(detail),
            }
        )

    def _completed(self, task) -> None:
        spec = task.task_spec
        if not spec.bpmn_id or spec.name in _INTERNAL:
            return
        before = task.parent.data if task.parent is not None else {}
        changed = {k: v for k, v in task.data.items() if k not in before or before[k] != v}
        changed = {k: v for k, v in changed.items() if not k.startswith("spiff__")}
        if isinstance(spec, BusinessRuleTaskMixin):
            rules = []
            try:
                rules = [
                    {"row": r.row_number, "description": (r.description or "").strip()}
                    for r in spec.dmnEngine.decide(task)[:1]
                ]
            except Exception:  # the outputs are what counts; the rows are a courtesy
                rules = []
            self.log("decision", spec.bpmn_id, spec.bpmn_name, outputs=changed, rules=rules)
            return
        calls = [c for c in self.recorder.calls if c["element_id"] == spec.bpmn_id]
        if calls:
            call = calls[-1]
            self.log(
                "service", spec.bpmn_id, spec.bpmn_name, operator=call["operator"], params=call["params"]
            )
        elif getattr(spec, "manual", False):
            return  # logged by `complete` with who and what
        elif changed or spec.bpmn_name:
            # An unnamed gateway that only joins paths says nothing worth a line.
            self.log("step", spec.bpmn_id, spec.bpmn_name, data=changed)

    def advance(self) -> None:
        workflow = self.workflow
        with clock.local(self.run.now):
            try:
                workflow.do_engine_steps(did_complete_task=self._completed)
                while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
                    workflow.do_engine_steps(did_complete_task=self._completed)
            except (SpiffWorkflowException, SandboxError) as exc:
                raise _failure(exc) from exc

    def finish(self) -> None:
        workflow = self.workflow
        with clock.local(self.run.now):
            tasks = projections.tasks_of(workflow)
            timers = projections.timers_of(workflow)
        for view in tasks:
            if view.id not in self.tasks_before:
                self.log(
                    "task_ready",
                    view.element_id,
                    view.name,
                    lane=view.lane,
                    role=view.role,
                    candidate_group=view.candidate_group,
                    assignee=view.assignee,
                    due_at=view.due_at.isoformat() if view.due_at else None,
                    form=view.form_ref,
                )
        for timer in timers:
            if timer.id not in self.timers_before:
                self.log(
                    "timer_set",
                    timer.element_id,
                    timer.name,
                    due_at=timer.due_at.isoformat(),
                    timer_kind=timer.kind,
                    placement=timer.placement,
                    interrupting=timer.interrupting,
                )
        if workflow.completed:
            self.log("completed")
        run = self.run
        run.state = serialization.dump(workflow)
        run.status = "completed" if workflow.completed else "running"
        run.log = (list(run.log or []) + self.entries)[-MAX_LOG:]
        run.updated_at = clock.now()
        db.session.flush()


def _failure(exc: BaseException) -> ProcessError:
    task = getattr(exc, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    notes = "; ".join(getattr(exc, "__notes__", None) or [])
    message = str(exc) + (f" ({notes})" if notes else "")
    inner = getattr(exc, "exception", None)
    if inner is not None and str(inner) not in message:
        message = f"{message}: {inner}"
    return ProcessError(message, element_id=element)


def _specs(draft: DesignDraft, process_id: str):
    parsed = drafts.parsed(draft)
    if process_id not in parsed.specs:
        raise NotFound(f"the draft has no executable process {process_id!r}", process_id=process_id)
    return parsed.specs[process_id]


def get(run_id: int) -> TestRun:
    run = db.session.get(TestRun, run_id)
    if run is None:
        raise NotFound(f"test run {run_id} does not exist", run_id=run_id)
    return run


def start(draft: DesignDraft, process_id: str, *, data: dict[str, Any], now: datetime, actor: str) -> TestRun:
    """Start the draft's `process_id` with `data`, at `now` on the run's own clock."""
    spec, subprocess_specs = _specs(draft, process_id)
    _check_json(data)
    at = clock.now()
    run = TestRun(
        draft_id=draft.id,
        process_id=process_id,
        status="running",
        state="",
        now=now,
        log=[],
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    db.session.add(run)
    db.session.flush()
    workflow = BpmnWorkflow(spec, subprocess_specs)
    initial = copy.deepcopy(data)
    workflow.task_tree.data.update(initial)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(initial))
    step = _Step(run, spec, subprocess_specs, workflow=workflow)
    step.log("started", process_id, None, data=initial)
    step.advance()
    step.finish()
    audit.record(
        "test_run_started",
        actor=actor,
        subject=f"draft:{draft.id}",
        details={"test_run_id": run.id, "process_id": process_id, "now": now.isoformat()},
    )
    return run


def _step(run: TestRun) -> _Step:
    if run.status != "running":
        raise Conflict(f"test run {run.id} is {run.status}", run_id=run.id)
    draft = db.session.get(DesignDraft, run.draft_id)
    spec, subprocess_specs = _specs(draft, run.process_id)
    return _Step(run, spec, subprocess_specs)


def complete(run: TestRun, task_id: str, data: dict[str, Any], *, actor: str) -> TestRun:
    """Complete a ready user task of the run with form data (checked against the draft's form)."""
    from uuid import UUID

    step = _step(run)
    try:
        task = step.workflow.get_task_from_id(UUID(task_id))
    except ValueError:
        task = None
    if task is None or not task.has_state(TaskState.READY) or not task.task_spec.manual:
        raise NotFound(f"task {task_id} is not ready in test run {run.id}", task_id=task_id)
    view = next((v for v in projections.tasks_of(step.workflow) if v.id == task_id), None)
    draft = db.session.get(DesignDraft, run.draft_id)
    form = form_of(draft, view.form_ref if view else None)
    _check_json(data)
    forms.validate(form, data)
    task.data.update(copy.deepcopy(data))
    with clock.local(run.now):
        try:
            task.run()
        except (SpiffWorkflowException, SandboxError) as exc:
            raise _failure(exc) from exc
    step.log("task_completed", task.task_spec.bpmn_id, task.task_spec.bpmn_name, data=data, by=actor)
    step.advance()
    step.finish()
    return run


def move_clock(run: TestRun, to: datetime, *, actor: str) -> TestRun:
    """Move the run's clock to `to` (forward only) and fire the timers due by then."""
    if to < run.now:
        raise Conflict("the test run's clock only moves forward", run_id=run.id)
    step = _step(run)
    before = {t.id: t for t in projections.timers_of(step.workflow)}
    run.now = to
    step.log("clock", None, None, now=to.isoformat())
    step.advance()
    remaining = {t.id for t in projections.timers_of(step.workflow)}
    for timer_id, timer in before.items():
        if timer_id not in remaining and timer.due_at <= to:
            step.log("timer_fired", timer.element_id, timer.name, due_at=timer.due_at.isoformat())
    step.finish()
    return run


def message(run: TestRun, name: str, payload: dict[str, Any], *, actor: str) -> TestRun:
    step = _step(run)
    _check_json(payload)
    waiting = [
        t
        for t in step.workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(t.task_spec, CatchingEvent)
        and isinstance(t.task_spec.event_definition, MessageEventDefinition)
        and t.task_spec.event_definition.name == name
    ]
    if not waiting:
        raise Conflict(f"the test run is not waiting for message {name!r}", run_id=run.id)
    with clock.local(run.now):
        step.workflow.catch(BpmnEvent(MessageEventDefinition(name), copy.deepcopy(payload)))
    step.log("message", None, name, payload=payload)
    step.advance()
    step.finish()
    return run


def form_of(draft: DesignDraft, ref: str | None) -> dict[str, Any] | None:
    if not ref:
        return None
    parsed = drafts.parsed(draft)
    return parsed.forms.get(f"forms/{ref}") or parsed.forms.get(ref)


def view(run: TestRun) -> dict[str, Any]:
    """What the run looks like now: open tasks, timers, data, messages awaited and the log."""
    step = _step(run) if run.status == "running" else None
    if step is None:
        draft = db.session.get(DesignDraft, run.draft_id)
        spec, subprocess_specs = _specs(draft, run.process_id)
        workflow = serialization.load(run.state, spec, subprocess_specs, make_script_engine())
    else:
        workflow = step.workflow
    with clock.local(run.now):
        tasks = projections.tasks_of(workflow)
        timers = projections.timers_of(workflow)
    messages = sorted(
        {
            t.task_spec.event_definition.name
            for t in workflow.get_tasks(state=TaskState.WAITING)
            if isinstance(t.task_spec, CatchingEvent)
            and isinstance(t.task_spec.event_definition, MessageEventDefinition)
        }
    )
    return {
        "id": run.id,
        "status": run.status,
        "now": run.now,
        "tasks": tasks,
        "timers": timers,
        "messages": messages,
        "data": _jsonable(workflow.data if workflow.completed else _latest_data(workflow)),
        "log": list(run.log or []),
    }


def _latest_data(workflow) -> dict[str, Any]:
    ready = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    return dict(ready[0].data) if ready else dict(workflow.data)


def _check_json(data: Any) -> None:
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"data must be JSON: {exc}") from exc


__all__ = ["complete", "form_of", "get", "message", "move_clock", "start", "view"]
