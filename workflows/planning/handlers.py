"""The service tasks of `bpmn/visit_plan.bpmn`: what approving, returning and resubmitting do to the
plan (or to an amendment). They run inside the engine's command, in its transaction."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from engine import forms, services

from . import amendments, plans


@services.register("approve_visit_plan")
def approve_visit_plan(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    data = ctx.task_data
    comment = data.get("approval_comment") or ""
    if data.get("subject") == "amendment":
        amendments.approved(int(data["amendment_id"]), actor=ctx.actor, comment=comment)
    else:
        plans.approved(int(data["plan_id"]), actor=ctx.actor, comment=comment)
    return {"approved": True}


@services.register("return_visit_plan")
def return_visit_plan(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    plans.returned(
        int(ctx.task_data["plan_id"]), actor=ctx.actor, comment=ctx.task_data.get("approval_comment") or ""
    )
    return {"returned": True}


@services.register("resubmit_visit_plan")
def resubmit_visit_plan(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    plans.resubmitted(
        int(ctx.task_data["plan_id"]), actor=ctx.actor, note=ctx.task_data.get("revision_note") or ""
    )
    return {"resubmitted": True}


@services.register("reject_plan_amendment")
def reject_plan_amendment(ctx: services.ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    amendments.rejected(
        int(ctx.task_data["amendment_id"]),
        actor=ctx.actor,
        comment=ctx.task_data.get("approval_comment") or "",
    )
    return {"rejected": True}


@forms.rule("revise_visit_plan")
def _check_revise_plan(submitted: dict[str, Any], task_data: dict[str, Any]) -> dict[str, list[str]]:
    """A returned plan goes back to management only with at least one visit in it (the task can be
    completed from the inbox as well as from the plan's page)."""
    plan_id = task_data.get("plan_id")
    plan = plans.get(int(plan_id)) if plan_id else None
    if plan is not None and not plans.active_visits(plan):
        return {"revision_note": [_("Add at least one visit to the plan.")]}
    return {}
