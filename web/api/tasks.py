"""Tasks: the caller's and their groups'; claim, hand over, draft, complete."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from engine import tasks as engine_tasks
from engine.db import db
from workflows import access, inbox
from workflows import tasks as work
from workflows.documents import tasks as task_documents
from workflows.recommendations import preview as terms_preview

from . import present
from .schemas import (
    CompleteIn,
    CompleteOut,
    DraftIn,
    ReassignIn,
    TaskDetail,
    TaskPageOut,
    TaskQuery,
    VersionIn,
)

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="Human tasks")


@blp.route("/tasks", methods=["GET"])
@blp.arguments(TaskQuery, location="query")
@blp.response(200, TaskPageOut)
def list_tasks(query):
    """Open tasks assigned to the caller and unclaimed tasks of the caller's groups."""
    result = inbox.inbox(g.user, inbox.InboxFilters(**query))
    return {
        "items": [present.inbox_row(r) for r in result.rows],
        "total": result.total,
        "total_capped": "total" in result.capped,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "next_cursor": result.next_cursor,
        "counts": result.counts,
        "counts_capped": sorted(result.capped - {"total"}),
    }


def _detail(task):
    rec = work.recommendation_of(task)
    out = present.task_detail(task, rec, engine_tasks.form_of(task))
    staff = access.can(g.user, access.SEE_INTERNAL_HISTORY)
    out["deadline_preview"] = terms_preview.for_task(task, rec) if staff else None
    # The document the task works on (the act being approved, a returned draft), whole.
    doc = task_documents.document_of_task(task, rec) if staff else None
    out["document"] = present.document_detail(doc) if doc is not None else None
    out["form_values"] = task_documents.form_values(task, doc, rec, g.user) if staff else {}
    return out


@blp.route("/tasks/<task_id>", methods=["GET"])
@blp.response(200, TaskDetail)
def get_task(task_id):
    """The task with its form (JSON Schema) and the `version` to send back when completing."""
    return _detail(work.get(g.user, task_id))


@blp.route("/tasks/<task_id>/claim", methods=["POST"])
@blp.arguments(VersionIn)
@blp.response(200, TaskDetail)
def claim_task(body, task_id):
    task = work.claim(g.user, task_id, body.get("version"))
    db.session.commit()
    return _detail(task)


@blp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@blp.arguments(VersionIn)
@blp.response(200, TaskDetail)
def unclaim_task(body, task_id):
    task = work.unclaim(g.user, task_id, body.get("version"))
    db.session.commit()
    return _detail(task)


@blp.route("/tasks/<task_id>/reassign", methods=["POST"])
@blp.arguments(ReassignIn)
@blp.response(200, TaskDetail)
def reassign_task(body, task_id):
    """Hand the task to a colleague, with a reason (audited)."""
    task = work.reassign(
        g.user,
        task_id,
        to_user_id=body["to_user_id"],
        reason=body["reason"],
        expected_version=body.get("version"),
    )
    db.session.commit()
    return _detail(task)


@blp.route("/tasks/<task_id>/draft", methods=["POST"])
@blp.arguments(DraftIn)
@blp.response(200, TaskDetail)
def save_draft(body, task_id):
    task = work.save_draft(g.user, task_id, body["data"], body.get("version"))
    db.session.commit()
    return _detail(task)


@blp.route("/tasks/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteIn)
@blp.response(200, CompleteOut)
def complete_task(body, task_id):
    """Complete with form data: 422 with the failing fields, 409 on a stale version, 404 when the
    task is not addressed to the caller (exactly as for a task that does not exist)."""
    result = work.complete(g.user, task_id, body["data"], body["version"])
    # Read before commit, which expires the session's objects (the handlers changed the session's one
    # copy of the recommendation); tasks of other processes have none and cost no read.
    rec = work.recommendation_of_result(result)
    rec_id, status = (rec.id, rec.status) if rec else (None, None)
    db.session.commit()
    # The command reports the instance's open tasks with their versions: nothing to read again.
    next_tasks = [present.task_summary(t) for t in result.open_tasks] if result.created_tasks else []
    return {
        "task_id": task_id,
        "recommendation_id": rec_id,
        "status": status,
        "instance_status": result.status,
        "next_tasks": next_tasks,
    }
