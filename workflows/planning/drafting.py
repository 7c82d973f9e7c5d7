"""Drafting an annual plan from the risk ranking and the coverage targets.

The draft fills the plan up to `targets.visits` visits, in this order:
1. every oblast: the `per_oblast` highest-risk places of each oblast that has places (visits already
   in the plan count);
2. every kind of place (`every_kind`): the highest-risk place of each kind not yet in the plan;
3. the rest by risk score, highest first — places not visited for `not_visited_years` years or never
   are marked so (the risk table already ranks them high).
Places the Office cannot reach (`access_suspended`) are left out. A place with recommendations
waiting for the authority's answer or verification becomes a follow-up visit that checks them.
Visits are spread over the months left in the plan's year: places of one district together (one
trip), higher risk earlier, about the same number of visits each month. The planner then edits
the draft freely until it is submitted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..deadlines import kyiv_date
from ..errors import Invalid
from ..facilities.models import Facility
from ..recommendations.models import Recommendation
from ..risk import services as risk
from ..risk.models import RiskScore
from ..users.models import User
from . import logistics, plans
from .models import VisitPlan

REASONS = ("oblast", "kind", "not_visited", "risk", "follow_up")
# Recommendations a follow-up visit checks: sent and waiting for an answer or for verification.
CHECKED_STATUSES = ("awaiting_reply", "reply_overdue", "under_verification", "follow_up", "escalated")


@dataclass
class DraftResult:
    added: int
    reasons: dict[str, int] = field(default_factory=dict)


def draft(plan: VisitPlan, *, user: User) -> DraftResult:
    plans.require_editable(plan)
    targets = plan.targets or plans.DEFAULT_TARGETS
    if db.session.scalar(sa.select(sa.func.count()).select_from(RiskScore)) == 0:
        risk.refresh_all(actor=user.actor)
    existing = plans.active_visits(plan)
    capacity = int(targets.get("visits", 60)) - len(existing)
    if capacity <= 0:
        raise Invalid(
            _("The plan already has %(n)d visits, its target.", n=len(existing)),
            {"visits": [_("Raise the number of visits in the targets to draft more.")]},
        )
    rows = db.session.execute(
        sa.select(
            Facility.id,
            Facility.region_code,
            Facility.kind_code,
            Facility.district,
            RiskScore.score,
            RiskScore.inputs,
        )
        .join(RiskScore, RiskScore.facility_id == Facility.id)
        .where(Facility.active.is_(True), Facility.access_suspended.is_(False))
        .order_by(RiskScore.score.desc(), Facility.id)
    ).all()
    in_plan = {v.facility_id for v in existing}
    selected: dict[int, list[str]] = {}
    by_id = {r.id: r for r in rows}

    def pick(facility_id: int, reason: str) -> bool:
        if facility_id in in_plan:
            return False
        if facility_id not in selected:
            if len(selected) >= capacity:
                return False
            selected[facility_id] = []
        if reason not in selected[facility_id]:
            selected[facility_id].append(reason)
        return True

    per_oblast = int(targets.get("per_oblast", 1))
    if per_oblast:
        counted: dict[str, int] = defaultdict(int)
        for v in existing:
            counted[v.facility.region_code] += 1
        for row in rows:
            if counted[row.region_code] < per_oblast and pick(row.id, "oblast"):
                counted[row.region_code] += 1
    if targets.get("every_kind", True):
        covered = {v.facility.kind_code for v in existing} | {by_id[f].kind_code for f in selected}
        for row in rows:
            if row.kind_code not in covered and pick(row.id, "kind"):
                covered.add(row.kind_code)
    years = int(targets.get("not_visited_years", 3))
    for row in rows:
        if len(selected) >= capacity:
            break
        pick(row.id, "risk")
    for facility_id, reasons in selected.items():
        inputs = by_id[facility_id].inputs or {}
        last = inputs.get("years_since_visit")
        if years and (inputs.get("never_visited") or (last is not None and last >= years)):
            reasons.append("not_visited")
    follow_ups = _recommendations_to_check(list(selected))
    months = _schedule(plan, [by_id[f] for f in selected])
    counts: dict[str, int] = defaultdict(int)
    places = {f.id: f for f in db.session.scalars(sa.select(Facility).where(Facility.id.in_(list(selected))))}
    for facility_id, reasons in selected.items():
        checks = follow_ups.get(facility_id, [])
        if checks:
            reasons.append("follow_up")
        # The selection made every choice the checks of a hand-added visit make: active, reachable,
        # not yet in the plan, a month of its year, the recommendations of that place.
        db.session.add(
            plans.new_visit(
                plan,
                facility=places[facility_id],
                month=months[facility_id],
                kind="follow_up" if checks else "regular",
                recommendation_ids=checks,
                reasons=reasons,
                risk_score=by_id[facility_id].score,
            )
        )
        for reason in reasons:
            counts[reason] += 1
    plan.updated_at = clock.now()
    logistics.recompute(plan)
    audit.record(
        "visit_plan_drafted",
        actor=user.actor,
        business_key=plan.business_key,
        subject=plan.title,
        details={
            "added": len(selected),
            "reasons": dict(counts),
            "targets": targets,
            # which places, in which month: the draft as the planner received it
            "visits": [[facility_id, months[facility_id]] for facility_id in selected],
        },
    )
    return DraftResult(added=len(selected), reasons=dict(counts))


def _recommendations_to_check(facility_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if not facility_ids:
        return out
    for facility_id, rec_id in db.session.execute(
        sa.select(Recommendation.facility_id, Recommendation.id)
        .where(Recommendation.facility_id.in_(facility_ids), Recommendation.status.in_(CHECKED_STATUSES))
        .order_by(Recommendation.id)
    ):
        out[facility_id].append(rec_id)
    return out


def _schedule(plan: VisitPlan, rows) -> dict[int, int]:
    """Month per place: clusters of one district together, higher risk earlier, months balanced."""
    today = kyiv_date(clock.now())
    first = today.month + 1 if plan.year == today.year and today.month < 12 else 1
    if plan.year < today.year or (plan.year == today.year and today.month == 12):
        first = 12
    months = list(range(first, 13))
    clusters: dict[tuple, list] = defaultdict(list)
    for row in rows:
        district = (row.district or "").strip().casefold()
        clusters[(row.region_code, district) if district else ("place", row.id)].append(row)
    ordered = sorted(clusters.values(), key=lambda items: (-max(r.score for r in items), items[0].id))
    per_month = math.ceil(len(rows) / len(months)) if rows else 1
    load = dict.fromkeys(months, 0)
    result = {}
    for items in ordered:
        month = next((m for m in months if load[m] < per_month), min(months, key=lambda m: load[m]))
        for row in items:
            result[row.id] = month
        load[month] += len(items)
    return result
