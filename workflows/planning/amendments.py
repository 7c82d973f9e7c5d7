"""Зміни до затвердженого плану: every change of an approved plan is an amendment with a reason and
what it changed, recorded in the audit log.

Which amendments need management's approval (and make the plan's next version):
- adding a regular or follow-up visit, cancelling a visit, or moving a visit to another quarter —
  they change what management approved: which places, and the quarters the budget is split by;
- everything else takes effect at once: an ad hoc visit (it answers an urgent signal and cannot wait),
  new dates within the same quarter, the kind, announced or not, the recommendations a follow-up
  checks, and the group.

An amendment waiting for approval runs the same `visit_plan` process (subject "amendment"); while it
waits, its visit takes no other amendment.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit, instances
from engine.clock import clock
from engine.db import db

from ..errors import Conflict, Invalid
from ..users.models import User
from . import plans
from .models import AMENDMENT_KINDS, PlanAmendment, PlannedVisit, VisitPlan

CHANGE_FIELDS = (
    "month",
    "starts_on",
    "ends_on",
    "kind",
    "unannounced",
    "recommendation_ids",
    "note",
    "needs",
)


def _require_approved(plan: VisitPlan) -> None:
    if plan.status != "approved":
        raise Conflict(_("Only an approved plan is amended; edit a draft directly."))


def _require_no_pending(visit: PlannedVisit) -> None:
    pending = db.session.scalar(
        sa.select(PlanAmendment.id).where(
            PlanAmendment.planned_visit_id == visit.id, PlanAmendment.status == "pending"
        )
    )
    if pending is not None:
        raise Conflict(_("A change of this visit is waiting for approval; wait for the decision."))


def _check_reason(reason: str) -> None:
    if len((reason or "").strip()) < 5:
        raise Invalid(
            _("The amendment was not made."),
            {"reason": [_("Say why the plan changes (at least 5 characters).")]},
        )


def _number(plan: VisitPlan) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.max(PlanAmendment.number)).where(PlanAmendment.plan_id == plan.id)
        )
        or 0
    ) + 1


def _record(
    plan: VisitPlan,
    *,
    kind: str,
    visit: PlannedVisit | None,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
    needs_approval: bool,
    user: User,
) -> PlanAmendment:
    assert kind in AMENDMENT_KINDS
    amendment = PlanAmendment(
        plan_id=plan.id,
        number=_number(plan),
        kind=kind,
        planned_visit_id=visit.id if visit else None,
        reason=reason.strip(),
        before=before,
        after=after,
        needs_approval=needs_approval,
        status="pending" if needs_approval else "applied",
        created_by=user.id,
        created_at=clock.now(),
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        "plan_amended",
        actor=user.actor,
        business_key=plan.business_key,
        subject=f"amendment:{amendment.number}",
        details={
            "kind": kind,
            "planned_visit_id": amendment.planned_visit_id,
            "reason": amendment.reason,
            "needs_approval": needs_approval,
            "before": before,
            "after": after,
        },
    )
    if needs_approval:
        result = instances.start(
            plans.PROCESS_ID,
            data=plans.start_data(plan, subject="amendment", amendment_id=amendment.id),
            business_key=amendment.business_key,
            actor=user.actor,
        )
        amendment.process_instance_id = result.instance_id
    plan.updated_at = clock.now()
    return amendment


def add_visit(plan: VisitPlan, *, reason: str, user: User, **fields: Any) -> PlanAmendment:
    """A new visit in an approved plan: ad hoc visits at once, others after approval."""
    from . import logistics

    _require_approved(plan)
    _check_reason(reason)
    kind = fields.get("kind", "regular")
    needs_approval = kind != "ad_hoc"
    visit = plans.insert_visit(
        plan,
        facility_id=fields.get("facility_id"),
        month=fields.get("month"),
        starts_on=fields.get("starts_on"),
        ends_on=fields.get("ends_on"),
        kind=kind,
        unannounced=fields.get("unannounced", True),
        recommendation_ids=fields.get("recommendation_ids") or [],
        note=fields.get("note", ""),
        reasons=fields.get("reasons") or [],
        status="pending" if needs_approval else "planned",
        actor=user.actor,
        audit_event=False,
    )
    logistics.recompute(plan)
    return _record(
        plan,
        kind="add_visit",
        visit=visit,
        reason=reason,
        before={},
        after=plans.describe(visit),
        needs_approval=needs_approval,
        user=user,
    )


def cancel_visit(visit: PlannedVisit, *, reason: str, user: User) -> PlanAmendment:
    """Take a visit out of an approved plan (after approval)."""
    plan = visit.plan
    _require_approved(plan)
    _check_reason(reason)
    _require_no_pending(visit)
    if visit.status != "planned":
        raise Conflict(_("Only a planned visit that has not happened can be cancelled."))
    return _record(
        plan,
        kind="cancel_visit",
        visit=visit,
        reason=reason,
        before=plans.describe(visit),
        after={"status": "cancelled"},
        needs_approval=True,
        user=user,
    )


def change_visit(visit: PlannedVisit, *, reason: str, user: User, **changes: Any) -> PlanAmendment:
    """New month or dates, kind, announced or not, recommendations to check, needs. A new quarter waits
    for approval (the change is applied then); anything else is applied now."""
    from . import logistics

    plan = visit.plan
    _require_approved(plan)
    _check_reason(reason)
    _require_no_pending(visit)
    if visit.status not in ("planned", "pending"):
        raise Conflict(_("A visit that has happened or was cancelled is not changed."))
    unknown = set(changes) - set(CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {', '.join(sorted(unknown))}")
    before = plans.describe(visit)
    new_month = changes.get("month", visit.month)
    if changes.get("starts_on"):
        new_month = changes["starts_on"].month
    moves_quarter = plans.quarter_of(int(new_month or visit.month)) != visit.quarter
    kind = "reschedule" if {"month", "starts_on", "ends_on"} & set(changes) else "change_visit"
    if moves_quarter:
        # Check now (the planner hears what is wrong at once), apply when approved.
        errors = _dry_check(visit, changes)
        if errors:
            raise Invalid(_("The amendment was not made."), errors)
        after = {**before, **_jsonable(changes)}
        return _record(
            plan,
            kind=kind,
            visit=visit,
            reason=reason,
            before=before,
            after=after,
            needs_approval=True,
            user=user,
        )
    errors = plans.apply_changes(visit, changes)
    if errors:
        raise Invalid(_("The amendment was not made."), errors)
    logistics.recompute(plan)
    return _record(
        plan,
        kind=kind,
        visit=visit,
        reason=reason,
        before=before,
        after=plans.describe(visit),
        needs_approval=False,
        user=user,
    )


def record_group_change(
    visit: PlannedVisit, *, before: dict[str, Any], reason: str, user: User
) -> PlanAmendment:
    """The group of a visit of an approved plan changed (groups.py): recorded, applied already."""
    return _record(
        visit.plan,
        kind="change_group",
        visit=visit,
        reason=reason,
        before=before,
        after=plans.describe(visit),
        needs_approval=False,
        user=user,
    )


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in changes.items()}


def _from_json(values: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    out = {}
    for key in CHANGE_FIELDS:
        if key in values:
            value = values[key]
            if key in ("starts_on", "ends_on") and isinstance(value, str):
                value = date.fromisoformat(value)
            out[key] = value
    return out


def _dry_check(visit: PlannedVisit, changes: dict[str, Any]) -> dict[str, list[str]]:
    savepoint = db.session.begin_nested()
    try:
        return plans.apply_changes(visit, changes)
    finally:
        savepoint.rollback()
        db.session.expire(visit)


# --- the approval process's service tasks ---------------------------------------------------------


def approved(amendment_id: int, *, actor: str, comment: str) -> None:
    from . import logistics

    amendment = db.session.get(PlanAmendment, amendment_id)
    plan = plans.get(amendment.plan_id)
    visit = amendment.planned_visit
    if amendment.kind == "add_visit" and visit is not None:
        visit.status = "planned"
    elif amendment.kind == "cancel_visit" and visit is not None:
        visit.status = "cancelled"
    elif visit is not None:
        errors = plans.apply_changes(visit, _from_json(amendment.after))
        if errors:
            # The plan changed meanwhile (another visit took that month): refuse it on record.
            amendment.status = "rejected"
            amendment.decision_comment = "; ".join(m for ms in errors.values() for m in ms)
            amendment.decided_at, amendment.decided_by = clock.now(), actor
            audit.record(
                "plan_amendment_failed",
                actor=actor,
                business_key=plan.business_key,
                subject=f"amendment:{amendment.number}",
                details={"errors": errors},
            )
            return
    logistics.recompute(plan)
    amendment.status = "approved"
    amendment.decided_at, amendment.decided_by, amendment.decision_comment = clock.now(), actor, comment or ""
    version = plans.record_version(plan, actor=actor, comment=comment, amendment_id=amendment.id)
    audit.record(
        "plan_amendment_approved",
        actor=actor,
        business_key=plan.business_key,
        subject=f"amendment:{amendment.number}",
        details={"version": version.number, "comment": comment},
    )


def rejected(amendment_id: int, *, actor: str, comment: str) -> None:
    from . import logistics

    amendment = db.session.get(PlanAmendment, amendment_id)
    plan = plans.get(amendment.plan_id)
    if amendment.kind == "add_visit" and amendment.planned_visit is not None:
        amendment.planned_visit.status = "rejected"
        logistics.recompute(plan)
    amendment.status = "rejected"
    amendment.decided_at, amendment.decided_by, amendment.decision_comment = clock.now(), actor, comment or ""
    audit.record(
        "plan_amendment_rejected",
        actor=actor,
        business_key=plan.business_key,
        subject=f"amendment:{amendment.number}",
        details={"comment": comment},
    )


def listing(plan: VisitPlan) -> list[PlanAmendment]:
    return db.session.scalars(
        sa.select(PlanAmendment).where(PlanAmendment.plan_id == plan.id).order_by(PlanAmendment.number.desc())
    ).all()
