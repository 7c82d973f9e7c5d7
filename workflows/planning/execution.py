"""Execution: a planned visit becomes the visit record when it happens, and a follow-up visit records
what it found about each recommendation it went to check (the "visit — change" cycle).

Starting uses the visit services themselves, so the rule that a visit is recorded when it takes
place (not ahead) holds for planned visits too; the place, kind and the group come from the plan, the
dates from the plan unless the visit happened on other days.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..access import RECORD_VISITS, can, may_see_visit
from ..deadlines import kyiv_date
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..recommendations.models import Recommendation
from ..users.models import User
from ..visits import services as visits
from ..visits.models import Visit
from . import safety
from .models import CHECK_OUTCOMES, PlannedVisit, RecommendationCheck


def start(
    planned: PlannedVisit,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    access_problems: str = "",
    user: User,
) -> Visit:
    """Record the planned visit as it happens: refused while the plan is not approved, while its group
    is not approved by the leader, or — for a place in an area of hostilities — without a valid
    safety check."""
    from ..risk.services import refresh_places

    if planned.status == "done":
        raise Conflict(_("This visit has been recorded already."))
    if planned.status != "planned" or planned.plan.status != "approved":
        raise Conflict(_("Only a visit of an approved plan can start."))
    today = kyiv_date(clock.now())
    starts_on = starts_on or planned.starts_on or today
    ends_on = ends_on or planned.ends_on or starts_on
    errors: dict[str, list[str]] = {}
    if not safety.is_valid(planned, starts_on):
        errors["safety_check"] = [
            _("The place is in an area of hostilities: complete the safety check before the visit starts.")
            if planned.safety_check is None
            else _(
                "The safety check is older than %(n)d days: do it again before the visit starts.",
                n=safety.valid_days(),
            )
        ]
    if planned.group_status != "approved":
        errors["group"] = [_("The group leader has not approved the group yet.")]
    if errors:
        raise Invalid(_("The visit cannot start yet."), errors)
    visit = visits.create(
        facility_id=planned.facility_id,
        kind=planned.kind,
        starts_on=starts_on,
        ends_on=ends_on,
        access_problems=access_problems,
        members=[
            {"name": m.monitor.name, "role": m.role, "user_id": m.monitor.user_id} for m in planned.members
        ],
        user=user,
    )
    planned.visit_id = visit.id
    planned.status = "done"
    for link in planned.recommendation_links:
        db.session.add(
            RecommendationCheck(visit_id=visit.id, recommendation_id=link.recommendation_id, found="")
        )
    db.session.flush()
    audit.record(
        "planned_visit_done",
        actor=user.actor,
        business_key=planned.plan.business_key,
        subject=f"planned_visit:{planned.id}",
        details={"visit_id": visit.id, "starts_on": starts_on.isoformat(), "planned_month": planned.month},
    )
    refresh_places([planned.facility_id])
    return visit


def planned_of(visit: Visit) -> PlannedVisit | None:
    return db.session.scalar(sa.select(PlannedVisit).where(PlannedVisit.visit_id == visit.id))


def checks(visit: Visit) -> list[tuple[RecommendationCheck, Recommendation]]:
    """The recommendations a follow-up visit checks, with what was found (if recorded)."""
    return [
        (check, rec)
        for check, rec in db.session.execute(
            sa.select(RecommendationCheck, Recommendation)
            .join(Recommendation, Recommendation.id == RecommendationCheck.recommendation_id)
            .where(RecommendationCheck.visit_id == visit.id)
            .order_by(Recommendation.id)
        ).all()
    ]


def record_check(
    visit: Visit, *, recommendation_id: int, outcome: str, found: str, user: User
) -> RecommendationCheck:
    """What the visitor found on return about one recommendation. It appears in the recommendation's
    own history (audited under its business key)."""
    if not can(user, RECORD_VISITS) or not may_see_visit(user, visit):
        raise Forbidden(_("You may not record findings of this visit."))
    check = db.session.scalar(
        sa.select(RecommendationCheck).where(
            RecommendationCheck.visit_id == visit.id,
            RecommendationCheck.recommendation_id == recommendation_id,
        )
    )
    if check is None:
        raise NotFound(_("This visit does not check that recommendation."))
    errors: dict[str, list[str]] = {}
    if outcome not in CHECK_OUTCOMES:
        errors["outcome"] = [_("Choose what was found.")]
    if len((found or "").strip()) < 5:
        errors["found"] = [_("Describe what was found (at least 5 characters).")]
    if errors:
        raise Invalid(_("The result was not saved."), errors)
    check.outcome, check.found = outcome, found.strip()
    check.checked_at, check.checked_by = clock.now(), user.actor
    rec = db.session.get(Recommendation, recommendation_id)
    db.session.flush()
    audit.record(
        "follow_up_visit_check",
        actor=user.actor,
        business_key=rec.business_key,
        subject=rec.number,
        details={"visit_id": visit.id, "outcome": outcome, "found": check.found[:500]},
    )
    return check
