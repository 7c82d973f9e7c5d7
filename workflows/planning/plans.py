"""Annual plans and their planned visits: creating, editing while a draft, submitting for approval
(the `visit_plan` process), and what the process's service tasks do to the plan.

A plan is edited freely while it is a draft or returned for revision; once submitted it waits for
management, and once approved it changes only by amendments (`amendments.py`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from engine import audit, decisions, instances
from engine.clock import clock
from engine.db import db
from engine.errors import EngineError
from engine.models import HumanTask

from ..deadlines import kyiv_date
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..facilities.models import Facility
from ..recommendations.models import OPEN_STATUSES, Recommendation
from ..risk.models import RiskScore
from ..users.models import User
from .models import (
    ACTIVE_VISIT_STATUSES,
    PLANNED_VISIT_KINDS,
    PlannedVisit,
    PlannedVisitRecommendation,
    PlanVersion,
    VisitPlan,
)

PROCESS_ID = "visit_plan"
NEEDS_DECISION = "group_needs"
DEFAULT_TARGETS = {"visits": 60, "per_oblast": 1, "every_kind": True, "not_visited_years": 3, "group_size": 3}


def get(plan_id: int) -> VisitPlan:
    plan = db.session.get(VisitPlan, plan_id)
    if plan is None:
        raise NotFound(_("Plan %(id)s does not exist.", id=plan_id))
    return plan


def get_visit(planned_visit_id: int) -> PlannedVisit:
    visit = db.session.get(PlannedVisit, planned_visit_id)
    if visit is None:
        raise NotFound(_("Planned visit %(id)s does not exist.", id=planned_visit_id))
    return visit


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def check_targets(targets: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coverage targets of a plan, with defaults, and the fields that are wrong."""
    values = {**DEFAULT_TARGETS, **{k: v for k, v in (targets or {}).items() if v is not None}}
    errors: dict[str, list[str]] = {}
    limits = {"visits": (1, 2000), "per_oblast": (0, 20), "not_visited_years": (0, 20), "group_size": (1, 10)}
    for name, (low, high) in limits.items():
        try:
            values[name] = int(values[name])
        except (TypeError, ValueError):
            errors[name] = [_("Enter a whole number.")]
            continue
        if not low <= values[name] <= high:
            errors[name] = [_("The value must be between %(min)s and %(max)s.", min=low, max=high)]
    values["every_kind"] = bool(values["every_kind"])
    return values, errors


def create(*, year: int, title: str = "", targets: dict[str, Any] | None = None, user: User) -> VisitPlan:
    targets, errors = check_targets(targets or {})
    this_year = kyiv_date(clock.now()).year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 2:
        errors["year"] = [
            _("Plan a year from %(first)d to %(last)d.", first=this_year - 1, last=this_year + 2)
        ]
    if errors:
        raise Invalid(_("The plan was not created."), errors)
    now = clock.now()
    plan = VisitPlan(
        year=year,
        title=(title or "").strip() or _("Plan of monitoring visits for %(year)d", year=year),
        status="draft",
        targets=targets,
        version=0,
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(plan)
    db.session.flush()
    audit.record(
        "visit_plan_created",
        actor=user.actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={"year": year, "targets": targets},
    )
    return plan


def require_editable(plan: VisitPlan) -> None:
    if plan.status == "approved":
        raise Conflict(_("The plan is approved: change it by an amendment."))
    if not plan.editable:
        raise Conflict(_("The plan is waiting for approval and cannot be changed now."))


# --- planned visits -------------------------------------------------------------------------------


def needs_for(kind_code: str) -> list[str]:
    """The expertise a group needs at this kind of place (bpmn/group_needs.dmn), asked once per kind
    in an app context (drafting a plan asks it for every visit)."""
    cache = g.setdefault("group_needs", {})
    if kind_code not in cache:
        try:
            result = decisions.evaluate(NEEDS_DECISION, {"kind": kind_code})
        except EngineError:
            return ["lawyer"]
        needs = result.outputs.get("expertise", [])
        if isinstance(needs, str):
            needs = [needs]
        cache[kind_code] = list(dict.fromkeys(n for n in needs if n))
    return list(cache[kind_code])


def check_visit(
    plan: VisitPlan,
    *,
    facility_id: int,
    month: int | None,
    starts_on: date | None,
    ends_on: date | None,
    kind: str,
    recommendation_ids: list[int],
    planned_visit: PlannedVisit | None = None,
) -> tuple[int, int, dict[str, list[str]]]:
    """(month, days, errors) of a planned visit's fields; every rule of a planned visit is here."""
    errors: dict[str, list[str]] = {}
    facility = db.session.get(Facility, facility_id or 0)
    if facility is None or not facility.active:
        errors["facility_id"] = [_("The facility does not exist.")]
    elif facility.access_suspended:
        errors["facility_id"] = [
            _("There is no access to this place (occupied territory): it cannot be planned.")
        ]
    if kind not in PLANNED_VISIT_KINDS:
        errors["kind"] = [_("Unknown kind of visit.")]
    if starts_on is not None or ends_on is not None:
        if starts_on is None:
            errors["starts_on"] = [_("Enter the first day too, or neither day.")]
        elif ends_on is None:
            errors["ends_on"] = [_("Enter the last day too, or neither day.")]
        elif ends_on < starts_on:
            errors["ends_on"] = [_("The visit cannot end before it starts.")]
        elif starts_on.year != plan.year or ends_on.year != plan.year:
            errors["starts_on"] = [_("The dates must lie in %(year)d, the plan's year.", year=plan.year)]
        elif (ends_on - starts_on).days > 13:
            errors["ends_on"] = [_("A visit lasts at most two weeks.")]
        if starts_on is not None and "starts_on" not in errors:
            if month and month != starts_on.month:
                errors["month"] = [_("The month must be the month of the first day.")]
            month = starts_on.month
    if not month or not 1 <= int(month) <= 12:
        errors.setdefault("month", [_("Choose the month of the visit.")])
        month = 1
    days = (ends_on - starts_on).days + 1 if starts_on and ends_on and ends_on >= starts_on else 1
    if kind == "follow_up" and not recommendation_ids:
        errors["recommendation_ids"] = [_("A follow-up visit checks recommendations: choose at least one.")]
    if recommendation_ids and facility is not None:
        found = set(
            db.session.scalars(
                sa.select(Recommendation.id).where(
                    Recommendation.id.in_(recommendation_ids), Recommendation.facility_id == facility.id
                )
            )
        )
        if found != set(recommendation_ids):
            errors["recommendation_ids"] = [_("Choose recommendations made about this place.")]
    if facility is not None and "facility_id" not in errors:
        duplicate = sa.select(PlannedVisit.id).where(
            PlannedVisit.plan_id == plan.id,
            PlannedVisit.facility_id == facility.id,
            PlannedVisit.month == month,
            PlannedVisit.status.in_(ACTIVE_VISIT_STATUSES),
        )
        if planned_visit is not None:
            duplicate = duplicate.where(PlannedVisit.id != planned_visit.id)
        if db.session.scalar(duplicate) is not None:
            errors["facility_id"] = [_("This place is already planned for that month.")]
    return int(month), days, errors


def add_visit(
    plan: VisitPlan,
    *,
    facility_id: int,
    month: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    kind: str = "regular",
    unannounced: bool = True,
    recommendation_ids: list[int] | None = None,
    note: str = "",
    reasons: list[str] | None = None,
    user: User,
) -> PlannedVisit:
    """Add a visit to a plan that is still being drafted (approved plans: `amendments.add_visit`)."""
    require_editable(plan)
    visit = insert_visit(
        plan,
        facility_id=facility_id,
        month=month,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        unannounced=unannounced,
        recommendation_ids=recommendation_ids or [],
        note=note,
        reasons=reasons or [],
        status="planned",
        actor=user.actor,
    )
    from . import logistics

    logistics.recompute(plan)
    return visit


def insert_visit(
    plan: VisitPlan,
    *,
    facility_id: int,
    month: int | None,
    starts_on: date | None,
    ends_on: date | None,
    kind: str,
    unannounced: bool,
    recommendation_ids: list[int],
    note: str,
    reasons: list[str],
    status: str,
    actor: str,
    audit_event: bool = True,
) -> PlannedVisit:
    recommendation_ids = sorted(set(recommendation_ids))
    month, days, errors = check_visit(
        plan,
        facility_id=facility_id,
        month=month,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        recommendation_ids=recommendation_ids,
    )
    if errors:
        raise Invalid(_("The visit was not planned."), errors)
    facility = db.session.get(Facility, facility_id)
    risk = db.session.get(RiskScore, facility_id)
    visit = new_visit(
        plan,
        facility=facility,
        month=month,
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        kind=kind,
        unannounced=unannounced,
        recommendation_ids=recommendation_ids,
        note=note,
        reasons=reasons,
        status=status,
        risk_score=risk.score if risk else None,
    )
    db.session.add(visit)
    db.session.flush()
    plan.updated_at = clock.now()
    if audit_event:
        audit.record(
            "planned_visit_added",
            actor=actor,
            business_key=plan.business_key,
            subject=f"planned_visit:{visit.id}",
            details={"facility_id": facility_id, "month": month, "kind": kind, "status": status},
        )
    return visit


def new_visit(
    plan: VisitPlan,
    *,
    facility: Facility,
    month: int,
    starts_on: date | None = None,
    ends_on: date | None = None,
    days: int = 1,
    kind: str,
    unannounced: bool = True,
    recommendation_ids: list[int] = (),
    note: str = "",
    reasons: list[str] = (),
    status: str = "planned",
    risk_score: int | None = None,
) -> PlannedVisit:
    """A planned visit built from fields already checked (`check_visit`, or a draft that chose them)."""
    visit = PlannedVisit(
        plan=plan,
        facility_id=facility.id,
        quarter=quarter_of(month),
        month=month,
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        kind=kind,
        unannounced=bool(unannounced),
        status=status,
        reasons=list(reasons),
        risk_score=risk_score,
        needs=needs_for(facility.kind_code),
        group_status="none",
        estimated_cost=Decimal("0"),
        note=(note or "").strip(),
        created_at=clock.now(),
    )
    visit.recommendation_links = [PlannedVisitRecommendation(recommendation_id=r) for r in recommendation_ids]
    return visit


def describe(visit: PlannedVisit) -> dict[str, Any]:
    """The fields an amendment or a version records about a planned visit."""
    return {
        "facility_id": visit.facility_id,
        "month": visit.month,
        "quarter": visit.quarter,
        "starts_on": visit.starts_on.isoformat() if visit.starts_on else None,
        "ends_on": visit.ends_on.isoformat() if visit.ends_on else None,
        "kind": visit.kind,
        "unannounced": visit.unannounced,
        "status": visit.status,
        "recommendation_ids": [link.recommendation_id for link in visit.recommendation_links],
        "members": [m.monitor_id for m in visit.members],
        "estimated_cost": str(visit.estimated_cost),
    }


def apply_changes(visit: PlannedVisit, changes: dict[str, Any]) -> dict[str, list[str]]:
    """Set month/dates/kind/unannounced/recommendations/note/needs of a planned visit; the errors
    (nothing is changed when there are any)."""
    plan = visit.plan
    starts_on = changes.get("starts_on", visit.starts_on)
    ends_on = changes.get("ends_on", visit.ends_on)
    kind = changes.get("kind", visit.kind)
    recommendation_ids = sorted(
        set(
            changes.get("recommendation_ids", [link.recommendation_id for link in visit.recommendation_links])
        )
    )
    month, days, errors = check_visit(
        plan,
        facility_id=visit.facility_id,
        month=changes.get("month", starts_on.month if changes.get("starts_on") else visit.month),
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        recommendation_ids=recommendation_ids,
        planned_visit=visit,
    )
    from ..monitors.models import EXPERTISE

    needs = changes.get("needs", visit.needs)
    if any(n not in EXPERTISE for n in needs):
        errors["needs"] = [_("Unknown expertise.")]
    if errors:
        return errors
    visit.month, visit.quarter, visit.days = month, quarter_of(month), days
    visit.starts_on, visit.ends_on, visit.kind = starts_on, ends_on, kind
    visit.unannounced = bool(changes.get("unannounced", visit.unannounced))
    visit.note = (changes.get("note", visit.note) or "").strip()
    visit.needs = list(dict.fromkeys(needs))
    if [link.recommendation_id for link in visit.recommendation_links] != recommendation_ids:
        visit.recommendation_links = [
            PlannedVisitRecommendation(recommendation_id=r) for r in recommendation_ids
        ]
    db.session.flush()
    return {}


def update_visit(visit: PlannedVisit, *, user: User, **changes: Any) -> PlannedVisit:
    """Change a planned visit of a plan being drafted."""
    plan = visit.plan
    require_editable(plan)
    before = describe(visit)
    errors = apply_changes(visit, changes)
    if errors:
        raise Invalid(_("The visit was not changed."), errors)
    plan.updated_at = clock.now()
    from . import logistics

    logistics.recompute(plan)
    audit.record(
        "planned_visit_changed",
        actor=user.actor,
        business_key=plan.business_key,
        subject=f"planned_visit:{visit.id}",
        details={"before": before, "after": describe(visit)},
    )
    return visit


def remove_visit(visit: PlannedVisit, *, user: User) -> None:
    """Take a visit out of a plan being drafted (approved plans: a cancelling amendment)."""
    plan = visit.plan
    require_editable(plan)
    audit.record(
        "planned_visit_removed",
        actor=user.actor,
        business_key=plan.business_key,
        subject=f"planned_visit:{visit.id}",
        details=describe(visit),
    )
    db.session.delete(visit)
    db.session.flush()
    db.session.expire(plan, ["visits"])
    plan.updated_at = clock.now()
    from . import logistics

    logistics.recompute(plan)


def active_visits(plan: VisitPlan) -> list[PlannedVisit]:
    return [v for v in plan.visits if v.status in ACTIVE_VISIT_STATUSES]


def open_recommendations_of(facility_id: int) -> list[Recommendation]:
    """What a follow-up visit to this place may check."""
    return db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.facility_id == facility_id, Recommendation.status.in_(OPEN_STATUSES))
        .order_by(Recommendation.id)
    ).all()


# --- approval -------------------------------------------------------------------------------------


def open_task(plan: VisitPlan) -> HumanTask | None:
    if plan.process_instance_id is None:
        return None
    return db.session.scalar(
        sa.select(HumanTask)
        .where(HumanTask.instance_id == plan.process_instance_id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)
        .limit(1)
    )


def start_data(plan: VisitPlan, *, subject: str = "plan", amendment_id: int | None = None) -> dict[str, Any]:
    """What the approval process starts with (optional fields present, as None or empty)."""
    return {
        "subject": subject,
        "plan_id": plan.id,
        "amendment_id": amendment_id,
        "year": plan.year,
        "title": plan.title,
        "approved": None,
        "approval_comment": "",
        "revision_note": "",
    }


def submit(plan: VisitPlan, *, user: User) -> VisitPlan:
    """Подати на затвердження: the first submission starts the plan's approval process; after a
    return, the plan goes back by completing the department's "revise" task (its note is kept)."""
    from .. import access

    if not access.can(user, access.PLAN_EDIT):
        raise Forbidden(_("Your role may not submit plans."))
    if plan.status == "returned":
        raise Conflict(
            _("The plan was returned: complete the task “Revise the visit plan” to submit it again.")
        )
    if plan.status != "draft":
        raise Conflict(_("Only a draft plan can be submitted."))
    if not active_visits(plan):
        raise Invalid(
            _("The plan was not submitted."), {"visits": [_("Add at least one visit to the plan.")]}
        )
    plan.status = "in_approval"
    plan.updated_at = clock.now()
    audit.record(
        "visit_plan_submitted",
        actor=user.actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={"visits": len(active_visits(plan))},
    )
    result = instances.start(
        PROCESS_ID, data=start_data(plan), business_key=plan.business_key, actor=user.actor
    )
    plan.process_instance_id = result.instance_id
    db.session.flush()
    return plan


def snapshot(plan: VisitPlan) -> list[dict[str, Any]]:
    return [{"id": v.id, **describe(v)} for v in active_visits(plan)]


def total_cost(plan: VisitPlan) -> Decimal:
    return sum((v.estimated_cost for v in active_visits(plan)), Decimal("0"))


def record_version(
    plan: VisitPlan, *, actor: str, comment: str, amendment_id: int | None = None
) -> PlanVersion:
    plan.version += 1
    now = clock.now()
    plan.approved_at, plan.approved_by, plan.updated_at = now, actor, now
    version = PlanVersion(
        plan_id=plan.id,
        number=plan.version,
        amendment_id=amendment_id,
        visits=snapshot(plan),
        total_cost=total_cost(plan),
        approved_at=now,
        approved_by=actor,
        comment=comment or "",
    )
    db.session.add(version)
    db.session.flush()
    return version


def approved(plan_id: int, *, actor: str, comment: str) -> None:
    """The approval process approved the plan: version 1 (or the next one)."""
    plan = get(plan_id)
    plan.status = "approved"
    version = record_version(plan, actor=actor, comment=comment)
    audit.record(
        "visit_plan_approved",
        actor=actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={"version": version.number, "comment": comment, "total_cost": str(version.total_cost)},
    )


def returned(plan_id: int, *, actor: str, comment: str) -> None:
    plan = get(plan_id)
    plan.status = "returned"
    plan.updated_at = clock.now()
    audit.record(
        "visit_plan_returned",
        actor=actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={"comment": comment},
    )


def resubmit(plan: VisitPlan, *, note: str, user: User) -> None:
    """Submit a returned plan again: completes the department's open "revise" task with the note."""
    from .. import tasks as work

    if plan.status != "returned":
        raise Conflict(_("Only a returned plan can be submitted again."))
    if not active_visits(plan):
        raise Invalid(
            _("The plan was not submitted."), {"visits": [_("Add at least one visit to the plan.")]}
        )
    task = open_task(plan)
    if task is None or task.element_id != "revise_plan":
        raise Conflict(_("The plan has no open revision task."))
    work.complete(user, task.id, {"revision_note": note}, task.version)


def resubmitted(plan_id: int, *, actor: str, note: str) -> None:
    plan = get(plan_id)
    plan.status = "in_approval"
    plan.updated_at = clock.now()
    audit.record(
        "visit_plan_resubmitted",
        actor=actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={"note": note},
    )


def versions(plan: VisitPlan) -> list[PlanVersion]:
    return db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
    ).all()


def listing() -> list[tuple[VisitPlan, dict[str, int]]]:
    """Plans, newest year first, with their visits counted by status."""
    plans = db.session.scalars(
        sa.select(VisitPlan).order_by(VisitPlan.year.desc(), VisitPlan.id.desc())
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for plan_id, status, n in db.session.execute(
        sa.select(PlannedVisit.plan_id, PlannedVisit.status, sa.func.count()).group_by(
            PlannedVisit.plan_id, PlannedVisit.status
        )
    ):
        counts.setdefault(plan_id, {})[status] = int(n)
    return [(p, counts.get(p.id, {})) for p in plans]


def plan_of_instance(instance_id: int) -> VisitPlan | None:
    """The plan a `visit_plan` process instance runs for (directly, or through an amendment)."""
    from .models import PlanAmendment

    plan = db.session.scalar(sa.select(VisitPlan).where(VisitPlan.process_instance_id == instance_id))
    if plan is not None:
        return plan
    plan_id = db.session.scalar(
        sa.select(PlanAmendment.plan_id).where(PlanAmendment.process_instance_id == instance_id)
    )
    return db.session.get(VisitPlan, plan_id) if plan_id else None


def amendment_of_instance(instance_id: int):
    from .models import PlanAmendment

    return db.session.scalar(sa.select(PlanAmendment).where(PlanAmendment.process_instance_id == instance_id))
