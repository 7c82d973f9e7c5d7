"""Moving running instances from one version of a process to another, in bulk.

SpiffWorkflow aligns the two versions (`SpecDiff`: by element id first, then by structure) and says
per instance which of its tasks are removed or changed (`WorkflowDiff`). An instance can move when
every place it waits in — a ready user task, a waiting timer or message — still exists and its
timers are what they were; otherwise it stays, and the designer is told why, by element.

Each instance moves in its own transaction: the row is locked, the workflow restored, re-pointed at
the new spec (`migrate_workflow`), saved, its `human_task` and `timer` projections rewritten, the
move audited. The state before is kept with the migration, so the whole migration can be undone
for every instance on which nothing has run since (its row version is still the one we wrote).
A dry run does everything and rolls each instance back; a preview only reads.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from . import audit, deployments, instances, projections, serialization
from .clock import clock
from .db import db
from .errors import Conflict, NotFound
from .models import HumanTask, InstanceMigration, InstanceMigrationItem, ProcessDefinition, ProcessInstance
from .versions import definition

WAITING_STATES = TaskState.READY | TaskState.WAITING | TaskState.STARTED
DEFAULT_BATCH = 50

# Reason codes (the designer's pages say them in the user's language):
#   element_removed   — the instance waits in an element the new version does not have
#   timer_changed     — a timer the instance waits for is defined differently now
#   boundary_changed  — the step it waits in has different boundary events now
#   subprocess_removed — it waits inside a subprocess the new version does not have
#   timer_due         — one of its timers is due: let the sweep fire it first
#   open_incident     — it has an open incident: resolve it first
#   failed            — moving it failed (the message says why); nothing was changed
#   changed           — (not blocking) a step it waits in changed; it is offered anew


@dataclass(frozen=True)
class Reason:
    code: str
    element_id: str | None = None
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.code != "changed"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "element_id": self.element_id, "detail": self.detail}


@dataclass
class InstancePlan:
    instance_id: int
    business_key: str | None
    waiting: list[str]
    reasons: list[Reason] = field(default_factory=list)

    @property
    def can_move(self) -> bool:
        return not any(r.blocking for r in self.reasons)


@dataclass
class Plan:
    process_id: str
    from_version: int
    to_version: int
    instances: list[InstancePlan]

    @property
    def movable(self) -> list[InstancePlan]:
        return [p for p in self.instances if p.can_move]

    @property
    def blocked(self) -> list[InstancePlan]:
        return [p for p in self.instances if not p.can_move]

    def reasons_count(self) -> dict[tuple[str, str | None], int]:
        """How many instances each blocking reason (code, element) holds back."""
        counts: dict[tuple[str, str | None], int] = {}
        for item in self.blocked:
            for reason in {(r.code, r.element_id) for r in item.reasons if r.blocking}:
                counts[reason] = counts.get(reason, 0) + 1
        return counts


@dataclass
class RunResult:
    migration_id: int | None
    dry_run: bool
    moved: list[InstancePlan]
    skipped: list[InstancePlan]
    failed: list[InstancePlan]
    batches: int = 0


# --- reading what would happen ------------------------------------------------------------------


def _definitions(process_id: str, from_version: int, to_version: int):
    if from_version == to_version:
        raise Conflict("choose two different versions", process_id=process_id)
    return definition(process_id, from_version), definition(process_id, to_version)


def _candidate_ids(source: ProcessDefinition, after_id: int, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(ProcessInstance.id)
            .where(
                ProcessInstance.definition_id == source.id,
                ProcessInstance.status == "running",
                ProcessInstance.id > after_id,
            )
            .order_by(ProcessInstance.id)
            .limit(limit)
        )
    )


def _batches(source: ProcessDefinition, batch: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = _candidate_ids(source, last, batch)
        if not ids:
            return
        yield ids
        last = ids[-1]


_COLUMNS = (
    ProcessInstance.id,
    ProcessInstance.version,
    ProcessInstance.state,
    ProcessInstance.definition_id,
    ProcessInstance.deployment_id,
    ProcessInstance.process_id,
    ProcessInstance.business_key,
    ProcessInstance.status,
    ProcessInstance.next_due_at,
    ProcessInstance.open_incidents,
)
_READ = sa.select(*_COLUMNS).where(ProcessInstance.id == sa.bindparam("b_id"))
_LOCK = _READ.with_for_update()


def _load(row, script_engine=None):
    spec, subprocess_specs = deployments.spec_for(row.deployment_id, row.process_id)
    engine = script_engine or instances.make_script_engine()
    return serialization.load(row.state, spec, subprocess_specs, engine)


def _spec_diff(old_deployment: int, new_deployment: int, name: str, old_spec, new_spec) -> SpecDiff:
    """SpiffWorkflow's spec diff of two deployed specs, computed once per pair (deployments never
    change, and a restored workflow holds the very spec objects the deployment cache holds)."""
    cache = current_app.extensions.setdefault("ombudsflow_spec_diffs", {})
    key = (old_deployment, new_deployment, name)
    found = cache.get(key)
    if found is None or found[0] is not old_spec or found[1] is not new_spec:
        found = (old_spec, new_spec, SpecDiff(serialization.registry(), old_spec, new_spec))
        cache[key] = found
    return found[2]


def _diff_workflow(row, workflow, target: ProcessDefinition, new_spec, new_subprocesses):
    """`diff_workflow` of SpiffWorkflow with the spec diffs computed once per pair of versions."""
    top = WorkflowDiff(
        workflow, _spec_diff(row.deployment_id, target.deployment_id, row.process_id, workflow.spec, new_spec)
    )
    subs = {}
    for sub_id, sub in workflow.subprocesses.items():
        name = sub.spec.name
        if name in new_subprocesses:
            spec_diff = _spec_diff(
                row.deployment_id, target.deployment_id, name, sub.spec, new_subprocesses[name]
            )
            subs[sub_id] = WorkflowDiff(sub, spec_diff)
        else:
            subs[sub_id] = None
    return top, subs


def _element(task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def assess(row, workflow, target: ProcessDefinition) -> tuple[InstancePlan, Any]:
    """Why `workflow` (instance `row`) can or cannot move to `target`; with the diffs to apply."""
    new_spec, new_subprocesses = deployments.spec_for(target.deployment_id, row.process_id)
    top_diff, sub_diffs = _diff_workflow(row, workflow, target, new_spec, new_subprocesses)
    waiting_tasks = [t for t in workflow.get_tasks(state=WAITING_STATES) if _element(t)]
    plan = InstancePlan(
        instance_id=row.id,
        business_key=row.business_key,
        waiting=list(dict.fromkeys(_element(t) for t in waiting_tasks)),
    )
    reasons: list[Reason] = []
    if row.open_incidents:
        reasons.append(Reason("open_incident", None, f"{row.open_incidents} open incident(s)"))
    now = clock.now()
    for timer in projections.timers_of(workflow):
        if timer.due_at <= now:
            reasons.append(Reason("timer_due", timer.element_id, timer.due_at.isoformat()))
    diffs = [(workflow, top_diff)] + [(workflow.subprocesses.get(k), d) for k, d in sub_diffs.items()]
    for sub_id, sub_diff in sub_diffs.items():
        sub = workflow.subprocesses[sub_id]
        if sub_diff is None and any(t.has_state(WAITING_STATES) for t in sub.get_tasks()):
            owner = workflow.get_task_from_id(sub_id)
            reasons.append(Reason("subprocess_removed", _element(owner) if owner else None, sub.spec.name))
    for sub, wf_diff in diffs:
        if sub is None or wf_diff is None:
            continue
        changed = {t.id for t in wf_diff.changed}
        for task in wf_diff.removed:
            if task.has_state(WAITING_STATES) and _element(task):
                reasons.append(Reason("element_removed", _element(task), task.task_spec.bpmn_name or ""))
        for task in sub.get_tasks(state=WAITING_STATES, skip_subprocesses=True):
            if task.id not in changed or not _element(task):
                continue
            new_task_spec = wf_diff.alignment.get(task)
            attributes = _changed_attributes(task.task_spec, new_task_spec)
            definition_ = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition_, TimerEventDefinition) and "event_definition" in attributes:
                reasons.append(Reason("timer_changed", _element(task), ", ".join(attributes)))
            elif attributes:
                reasons.append(Reason("changed", _element(task), ", ".join(attributes)))
        reasons.extend(_boundary_changes(sub, wf_diff))
    plan.reasons = list(dict.fromkeys(reasons))
    return plan, (top_diff, sub_diffs, new_spec, new_subprocesses)


_IGNORED = {"inputs", "outputs", "typename", "lookahead", "name"}


def _changed_attributes(old_spec, new_spec) -> list[str]:
    if new_spec is None:
        return []
    registry = serialization.registry()
    before, after = registry.convert(old_spec), registry.convert(new_spec)
    return sorted(k for k in set(before) | set(after) if k not in _IGNORED and before.get(k) != after.get(k))


def _boundary_changes(sub, wf_diff) -> Iterator[Reason]:
    """A step with boundary events that waits: the new version must have the same boundary events
    on it, since SpiffWorkflow arms them only when the step starts."""
    for task in sub.get_tasks(state=TaskState.READY | TaskState.STARTED, skip_subprocesses=True):
        parent = task.parent
        if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
            continue
        new_split = wf_diff.alignment.get(parent)
        if new_split is None:
            continue
        old_events = {c.task_spec.bpmn_id for c in parent.children if c is not task}
        own = getattr(wf_diff.alignment.get(task), "bpmn_id", None)
        new_events = {s.bpmn_id for s in new_split.outputs} - {own}
        added = sorted(e for e in new_events - old_events if e)
        if added:
            yield Reason("boundary_changed", _element(task), "added: " + ", ".join(added))


def preview(process_id: str, from_version: int, to_version: int, *, limit: int | None = None) -> Plan:
    """Which running instances of `from_version` could move to `to_version`, and why not the others.

    Restores each candidate (a detail read per instance, in batches); writes nothing."""
    source, target = _definitions(process_id, from_version, to_version)
    plans: list[InstancePlan] = []
    for ids in _batches(source, DEFAULT_BATCH):
        for instance_id in ids:
            row = db.session.execute(_READ, {"b_id": instance_id}).first()
            if row is None or row.status != "running":
                continue
            plan, _diffs = assess(row, _load(row), target)
            plans.append(plan)
            if limit is not None and len(plans) >= limit:
                return Plan(process_id, from_version, to_version, plans)
    return Plan(process_id, from_version, to_version, plans)


# --- moving -------------------------------------------------------------------------------------


def run(
    process_id: str,
    from_version: int,
    to_version: int,
    *,
    actor: str,
    dry_run: bool = False,
    batch: int = DEFAULT_BATCH,
) -> RunResult:
    """Move every movable running instance; each in its own transaction (commits as it goes).

    With `dry_run`, every instance is moved and rolled back: the result says what would happen,
    including instances whose move would fail, and nothing is written."""
    source, target = _definitions(process_id, from_version, to_version)
    migration = None
    if not dry_run:
        migration = InstanceMigration(
            process_id=process_id,
            from_definition_id=source.id,
            to_definition_id=target.id,
            status="running",
            created_by=actor,
            created_at=clock.now(),
        )
        db.session.add(migration)
        db.session.flush()
        audit.record(
            "instances_migration_started",
            actor=actor,
            subject=f"migration:{migration.id}",
            details={"process_id": process_id, "from": from_version, "to": to_version},
        )
        db.session.commit()
    migration_id = migration.id if migration is not None else None
    result = RunResult(migration_id, dry_run, [], [], [])
    for ids in _batches(source, batch):
        result.batches += 1
        for instance_id in ids:
            _move_one(
                instance_id, source, target, (from_version, to_version), actor, migration_id, dry_run, result
            )
    if migration is not None:
        migration = db.session.get(InstanceMigration, migration_id)
        migration.moved, migration.skipped, migration.failed = (
            len(result.moved),
            len(result.skipped),
            len(result.failed),
        )
        migration.status = "done"
        migration.finished_at = clock.now()
        audit.record(
            "instances_migrated",
            actor=actor,
            subject=f"migration:{migration_id}",
            details={
                "process_id": process_id,
                "from": from_version,
                "to": to_version,
                "moved": migration.moved,
                "skipped": migration.skipped,
                "failed": migration.failed,
            },
        )
        db.session.commit()
    return result


def _move_one(instance_id, source, target, versions, actor, migration_id, dry_run, result):
    from_version, to_version = versions
    row = db.session.execute(_LOCK, {"b_id": instance_id}).first()
    if row is None or row.status != "running" or row.definition_id != source.id:
        db.session.rollback()
        return
    try:
        workflow = _load(row)
        plan, diffs = assess(row, workflow, target)
        if not plan.can_move:
            db.session.rollback()
            result.skipped.append(plan)
            if not dry_run:
                _item(migration_id, row, "skipped", plan.reasons)
                db.session.commit()
            return
        state_before = row.state
        version_after = _apply(row, workflow, diffs, target, actor, from_version, to_version, migration_id)
    except Exception as exc:
        db.session.rollback()
        plan = InstancePlan(row.id, row.business_key, [], [Reason("failed", None, _one_line(exc))])
        result.failed.append(plan)
        if not dry_run:
            _item(migration_id, row, "failed", plan.reasons, stack="".join(traceback.format_exception(exc)))
            db.session.commit()
        return
    result.moved.append(plan)
    if dry_run:
        db.session.rollback()
        return
    _item(migration_id, row, "moved", plan.reasons, state_before=state_before, version_after=version_after)
    db.session.commit()


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return " ".join(str(text).split())[:500]


def _item(migration_id, row, outcome, reasons, *, state_before=None, version_after=None, stack=None) -> None:
    details = [r.as_dict() for r in reasons]
    if stack:
        details.append({"code": "stack", "element_id": None, "detail": stack[-4000:]})
    db.session.add(
        InstanceMigrationItem(
            migration_id=migration_id,
            instance_id=row.id,
            business_key=row.business_key,
            outcome=outcome,
            reasons=details,
            state_before=state_before,
            instance_version_after=version_after,
        )
    )


def _apply(row, workflow, diffs, target, actor, from_version, to_version, migration_id) -> int:
    """Re-point the workflow at the target spec, save it and its projections; the new row version."""
    top_diff, sub_diffs, new_spec, new_subprocesses = diffs
    kept = _keep_internal(workflow, top_diff, sub_diffs)
    migrate_workflow(top_diff, workflow, new_spec)
    for sub_id, sub_diff in sub_diffs.items():
        sub = workflow.subprocesses[sub_id]
        if sub_diff is not None:
            migrate_workflow(sub_diff, sub, new_subprocesses[sub.spec.name])
    workflow.subprocess_specs = new_subprocesses
    for task in workflow.get_tasks():
        saved = kept.get(task.id)
        if saved is not None:
            task.internal_data, task.data = saved
    return _save(
        row,
        workflow,
        target.id,
        target.deployment_id,
        actor,
        "instance_migrated",
        {
            "from": from_version,
            "to": to_version,
            "migration_id": migration_id,
        },
    )


def _keep_internal(workflow, top_diff, sub_diffs) -> dict:
    """Internal data (kept due times, computed timer values) and data of waiting tasks whose element
    did not change: migrate_workflow resets them, and a deadline must not move because the version did."""
    changed = {t.id for t in top_diff.changed}
    for sub_diff in sub_diffs.values():
        if sub_diff is not None:
            changed |= {t.id for t in sub_diff.changed}
    return {
        task.id: (copy.deepcopy(task.internal_data), copy.deepcopy(task.data))
        for task in workflow.get_tasks(state=WAITING_STATES)
        if task.id not in changed
    }


_SAVE = ProcessInstance.__table__.update().where(
    ProcessInstance.__table__.c.id == sa.bindparam("b_id"),
    ProcessInstance.__table__.c.version == sa.bindparam("b_version"),
)


def _save(row, workflow, definition_id: int, deployment_id: int, actor: str, event: str, details) -> int:
    snap = projections.snapshot(workflow)
    now = clock.now()
    version_after = row.version + 1
    updated = db.session.execute(
        _SAVE,
        {
            "b_id": row.id,
            "b_version": row.version,
            "state": serialization.dump(workflow),
            "version": version_after,
            "definition_id": definition_id,
            "deployment_id": deployment_id,
            "next_due_at": snap.next_due_at,
            "updated_at": now,
        },
    )
    if updated.rowcount != 1:
        raise Conflict("the process instance changed meanwhile", instance_id=row.id)
    moved = SimpleNamespace(
        id=row.id,
        process_id=row.process_id,
        business_key=row.business_key,
        deployment_id=deployment_id,
        next_due_at=row.next_due_at,
    )
    projections.rewrite(moved, snap, now=now)
    _repoint_open_tasks(row.id, snap, deployment_id)
    audit.record(
        event,
        actor=actor,
        instance_id=row.id,
        business_key=row.business_key,
        details={**details, "waiting": [t.element_id for t in [*snap.tasks, *snap.timers]]},
    )
    return version_after


def _repoint_open_tasks(instance_id: int, snap, deployment_id: int) -> None:
    """Open task rows that stayed open keep their claim and draft, and take the new version's
    element, form and people (the form of a task is read from its deployment)."""
    table = HumanTask.__table__
    for view in snap.tasks:
        db.session.execute(
            table.update()
            .where(table.c.id == view.id, table.c.status == "open")
            .values(
                deployment_id=deployment_id,
                element_id=view.element_id,
                name=view.name,
                lane=view.lane,
                role=view.role,
                candidate_group=view.candidate_group,
                due_at=view.due_at,
                form_ref=view.form_ref,
                properties=view.properties,
                priority=view.priority,
                version=table.c.version + 1,
            )
        )


# --- undo ----------------------------------------------------------------------------------------


@dataclass
class UndoResult:
    migration_id: int
    restored: list[int]
    kept: list[tuple[int, str]]


def undo(migration_id: int, *, actor: str) -> UndoResult:
    """Put every moved instance back on its old version, unless something ran on it since."""
    migration = db.session.get(InstanceMigration, migration_id)
    if migration is None:
        raise NotFound(f"migration {migration_id} does not exist", migration_id=migration_id)
    if migration.status != "done":
        raise Conflict(f"migration {migration_id} is {migration.status}", migration_id=migration_id)
    source = db.session.get(ProcessDefinition, migration.from_definition_id)
    target = db.session.get(ProcessDefinition, migration.to_definition_id)
    item_ids = list(
        db.session.scalars(
            sa.select(InstanceMigrationItem.id)
            .where(
                InstanceMigrationItem.migration_id == migration_id,
                InstanceMigrationItem.outcome == "moved",
            )
            .order_by(InstanceMigrationItem.id)
        )
    )
    db.session.commit()
    result = UndoResult(migration_id, [], [])
    for item_id in item_ids:
        item = db.session.get(InstanceMigrationItem, item_id)
        row = db.session.execute(_LOCK, {"b_id": item.instance_id}).first()
        if row is None or row.version != item.instance_version_after or row.definition_id != target.id:
            reason = "something ran on the new version since the migration"
            item.outcome = "kept"
            item.reasons = [*item.reasons, {"code": "ran_since", "element_id": None, "detail": reason}]
            result.kept.append((item.instance_id, reason))
            db.session.commit()
            continue
        old_spec, old_subprocesses = deployments.spec_for(source.deployment_id, row.process_id)
        engine = instances.make_script_engine()
        workflow = serialization.load(item.state_before, old_spec, old_subprocesses, engine)
        _save(
            row,
            workflow,
            source.id,
            source.deployment_id,
            actor,
            "instance_migration_undone",
            {
                "migration_id": migration_id,
                "back_to": source.version,
            },
        )
        item.outcome = "undone"
        result.restored.append(item.instance_id)
        db.session.commit()
    migration = db.session.get(InstanceMigration, migration_id)
    migration.status = "undone"
    migration.undone_by, migration.undone_at = actor, clock.now()
    audit.record(
        "instances_migration_undone",
        actor=actor,
        subject=f"migration:{migration_id}",
        details={"restored": len(result.restored), "kept": len(result.kept)},
    )
    db.session.commit()
    return result


def migrations(process_id: str, limit: int = 20) -> list[InstanceMigration]:
    return list(
        db.session.scalars(
            sa.select(InstanceMigration)
            .where(InstanceMigration.process_id == process_id)
            .order_by(InstanceMigration.id.desc())
            .limit(limit)
        )
    )


def undoable(migration: InstanceMigration) -> bool:
    """Whether undo may still restore something: done, with moved instances nothing ran on."""
    if migration.status != "done" or not migration.moved:
        return False
    rows = db.session.execute(
        sa.select(InstanceMigrationItem.instance_version_after, ProcessInstance.version)
        .join(ProcessInstance, ProcessInstance.id == InstanceMigrationItem.instance_id)
        .where(InstanceMigrationItem.migration_id == migration.id, InstanceMigrationItem.outcome == "moved")
    ).all()
    return any(after == current for after, current in rows)


__all__ = [
    "InstancePlan",
    "Plan",
    "Reason",
    "RunResult",
    "UndoResult",
    "assess",
    "migrations",
    "preview",
    "run",
    "undo",
    "undoable",
]
