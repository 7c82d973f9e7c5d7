"""Claims, hand-overs and drafts of human tasks: changes to the projection row only.

None of these touches the workflow, so none restores it. Each bumps the task's `version`, which is
what a client sends back to complete: a form opened before someone else claimed or completed the
task is refused with a conflict instead of silently overwriting their work.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import audit, deployments
from .clock import clock
from .db import db
from .errors import Conflict, NotFound
from .models import HumanTask


def get(task_id: str) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    return task


def form_of(task: HumanTask) -> dict[str, Any] | None:
    return deployments.form(task.deployment_id, task.form_ref)


def _locked_open(task_id: str, expected_version: int | None) -> HumanTask:
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.id == task_id).with_for_update())
    if task is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    if task.status != "open":
        raise Conflict(
            f"task {task_id} is already {task.status}",
            task_id=task_id,
            status=task.status,
            version=task.version,
        )
    if expected_version is not None and task.version != expected_version:
        raise Conflict(
            f"task {task_id} changed (version {task.version}, you sent {expected_version})",
            task_id=task_id,
            version=task.version,
        )
    return task


def _bump(task: HumanTask) -> None:
    """Optimistic guard for SQLite, where there is no row lock: the UPDATE must see our version."""
    ht = HumanTask.__table__
    result = db.session.execute(
        ht.update().where(ht.c.id == task.id, ht.c.version == task.version).values(version=task.version + 1)
    )
    if result.rowcount != 1:
        raise Conflict(f"task {task.id} changed meanwhile; reload it", task_id=task.id)
    db.session.refresh(task)


def _changed(task: HumanTask, event: str, actor: str, details: dict) -> None:
    """Audit a change of the task row (claim, hand-over, draft) and write it."""
    audit.record(
        event,
        actor=actor,
        instance_id=task.instance_id,
        business_key=task.business_key,
        task_id=task.id,
        element_id=task.element_id,
        subject=task.name,
        details=details,
    )
    db.session.flush()


def claim(
    task_id: str, *, user: str, actor: str | None = None, expected_version: int | None = None
) -> HumanTask:
    """Take a task; claiming a task someone else holds is a conflict (use `reassign`)."""
    task = _locked_open(task_id, expected_version)
    if task.assignee == user:
        return task
    if task.assignee is not None:
        raise Conflict(
            f"task {task_id} is already claimed by {task.assignee}", task_id=task_id, assignee=task.assignee
        )
    _bump(task)
    task.assignee, task.claimed_at = user, clock.now()
    _changed(task, "task_claimed", actor or user, {"assignee": user})
    return task


def unclaim(task_id: str, *, actor: str, expected_version: int | None = None) -> HumanTask:
    task = _locked_open(task_id, expected_version)
    if task.assignee is None:
        return task
    previous = task.assignee
    _bump(task)
    task.assignee, task.claimed_at = None, None
    _changed(task, "task_unclaimed", actor, {"previous": previous})
    return task


def reassign(
    task_id: str, *, to: str, actor: str, reason: str, expected_version: int | None = None
) -> HumanTask:
    task = _locked_open(task_id, expected_version)
    previous = task.assignee
    _bump(task)
    task.assignee, task.claimed_at = to, clock.now()
    _changed(task, "task_reassigned", actor, {"from": previous, "to": to, "reason": reason})
    return task


def save_draft(
    task_id: str, *, data: dict[str, Any], actor: str, expected_version: int | None = None
) -> HumanTask:
    """Keep unfinished form input with the task (not in the workflow: nothing happened yet)."""
    task = _locked_open(task_id, expected_version)
    _bump(task)
    task.draft, task.draft_saved_at = data, clock.now()
    _changed(task, "draft_saved", actor, {"fields": sorted(data)[:40]})
    return task
