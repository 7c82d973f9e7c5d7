"""One task: its form (from the task's JSON Schema) beside the recommendation's story; claim, hand
over, save a draft, complete. Rules and messages come from `workflows.tasks`; this module only reads
the form, calls one service and renders the result."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine import tasks as engine_tasks
from engine.db import db
from workflows import access
from workflows import tasks as work
from workflows.access import views
from workflows.documents import tasks as task_documents
from workflows.errors import Conflict, DomainError, Invalid
from workflows.recommendations import preview as terms_preview

from ..auth import safe_next
from ..errors import reraise_refusal
from ..forms import jsonschema_form
from ..labels import language
from ..people import actor_names
from .kinds import task_label


def planning_context(task):
    """The plan (and amendment) a task of plan approval is about, for the page beside its form."""
    from workflows.planning import plans

    if task.process_id != plans.PROCESS_ID:
        return None
    plan = plans.plan_of_instance(task.instance_id)
    if plan is None:
        return None
    return {"plan": plan, "amendment": plans.amendment_of_instance(task.instance_id)}


def obstruction_context(task):
    """The obstruction of access a lawyer decides on (bpmn/obstruction.bpmn), beside the form."""
    from workflows.escalations import obstructions

    if task.process_id != obstructions.PROCESS_ID:
        return None
    return obstructions.of_instance(task.instance_id)


bp = Blueprint("task", __name__)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


def _back(task_id: str) -> str:
    return safe_next(
        request.form.get("next") or request.args.get("next"), url_for("task.show", task_id=task_id)
    )


def render_task(task, values: dict[str, Any], errors: dict[str, list[str]] | None = None, **extra):
    schema = engine_tasks.form_of(task)
    rec = work.recommendation_of(task)
    form = jsonschema_form.build(schema, values, errors, language())
    staff = access.can(g.user, access.SEE_INTERNAL_HISTORY)
    people = actor_names([task.assignee, task.completed_by])
    extra.setdefault("version", task.version)
    document = task_documents.document_of_task(task, rec) if rec and staff else None
    return render_template(
        "tasks/show.html",
        task=task,
        title=task_label(task.element_id, task.name, task.process_id),
        plan_context=planning_context(task) if rec is None else None,
        obstruction=obstruction_context(task) if rec is None else None,
        # A task only authorised people may do (a protocol): say so before the form is filled in.
        missing_grants=access.missing_task_grants(g.user, task.element_id) if task.status == "open" else (),
        form=form,
        rec=rec,
        view=views.view(rec, g.user, with_history=False) if rec else None,
        preview=terms_preview.for_task(task, rec) if rec and staff else None,
        document=document,
        staff=staff,
        people=people,
        next_url=request.values.get("next", ""),
        may_claim=task.status == "open" and task.assignee is None,
        mine=task.assignee == g.user.actor,
        held_by_other=bool(task.assignee)
        and task.assignee != g.user.actor
        and not access.can(g.user, access.ADMINISTER),
        **extra,
    )


@bp.route("/tasks/<task_id>", methods=["GET"])
@login_required
def show(task_id: str):
    task = work.get(g.user, task_id)
    values = task.draft
    if not values and access.can(g.user, access.SEE_INTERNAL_HISTORY):
        rec = work.recommendation_of(task)
        values = task_documents.form_values(task, task_documents.document_of_task(task, rec), rec, g.user)
    return render_task(task, values or {})


@bp.route("/tasks/<task_id>", methods=["POST"])
@login_required
def submit(task_id: str):
    """ "Save draft" keeps the input with the task; "Complete" sends it, with the version the form
    was opened at, so a task changed meanwhile is refused rather than overwritten."""
    task = work.get(g.user, task_id)
    data = jsonschema_form.parse(engine_tasks.form_of(task), request.form)
    title = task_label(task.element_id, task.name, task.process_id)
    try:
        if request.form.get("action") == "draft":
            work.save_draft(g.user, task.id, data, _version())
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(url_for("task.show", task_id=task.id, next=request.form.get("next") or None))
        rec = work.recommendation_of(task)
        work.complete(g.user, task.id, data, _version())
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return render_task(task, data, exc.fields, message=exc.message), 422
    except Conflict as exc:
        db.session.rollback()
        db.session.refresh(task)
        # The form keeps the version it was opened at: sending it again is refused again, so the
        # user reloads and sees what changed instead of overwriting it.
        return render_task(task, data, conflict=exc.message, version=_version()), 409
    if rec is not None:
        flash(_("“%(task)s” is done for %(number)s.", task=title, number=rec.number), "success")
        default = url_for("recommendation.show", recommendation_id=rec.id)
    elif (plan := planning_context(task)) is not None:
        flash(_("“%(task)s” is done.", task=title), "success")
        default = url_for("planning.plan_show", plan_id=plan["plan"].id)
    else:
        flash(_("“%(task)s” is done.", task=title), "success")
        default = url_for("inbox.index")
    return redirect(safe_next(request.form.get("next"), default))


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: str):
    try:
        work.claim(g.user, task_id)
        db.session.commit()
        flash(_("The task is yours now."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(_back(task_id))


@bp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: str):
    try:
        work.unclaim(g.user, task_id)
        db.session.commit()
        flash(_("The task is back in the group's queue."), "success")
    except DomainError as exc:
        reraise_refusal(exc)
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(_back(task_id))


@bp.route("/tasks/<task_id>/reassign", methods=["GET", "POST"])
@login_required
def reassign(task_id: str):
    """Передати колезі: to whom and why (the reason goes to the audit log)."""
    task = work.get(g.user, task_id)
    errors: dict[str, list[str]] = {}
    message = None
    if request.method == "POST":
        to = request.form.get("to_user_id", "")
        try:
            work.reassign(
                g.user,
                task.id,
                to_user_id=int(to) if to.isdigit() else 0,
                reason=request.form.get("reason", ""),
                expected_version=_version(),
            )
            db.session.commit()
            flash(_("The task has been handed over."), "success")
            return redirect(safe_next(request.form.get("next"), url_for("inbox.index")))
        except DomainError as exc:
            reraise_refusal(exc)
            db.session.rollback()
            db.session.refresh(task)
            errors, message = exc.fields, exc.message
    status = 200 if not message else (422 if errors else 409)
    return render_template(
        "tasks/reassign.html",
        task=task,
        title=task_label(task.element_id, task.name, task.process_id),
        rec=work.recommendation_of(task),
        colleagues=work.colleagues(g.user, task),
        people=actor_names([task.assignee]),
        errors=errors,
        message=message,
        values=request.form,
        next_url=request.values.get("next", ""),
    ), status
