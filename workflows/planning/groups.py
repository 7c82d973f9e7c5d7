"""Monitoring groups: proposing one from the pool, setting it, and the leader's approval.

Who may be proposed for a planned visit: an active person of the pool who
- has no conflict of interest declared for the place,
- if a civil-society monitor, completed every required module of the basic training (Office staff
  are trained as part of their work),
- is not away during the visit (an absence that overlaps its dates; with only a month planned, an
  absence covering the whole month),
- is not in the group of another visit on overlapping dates.
The leader is a staff member with an account (they approve the group); then, for each expertise the
visit needs, the best remaining person: someone already going to another place of the same district
that month (the same group makes one trip), then from the place's oblast, then the one with the
fewest visits in the plan. A group also gets a civil-society monitor (the "Ombudsman+" model) when one is
eligible. Everyone left out is listed with the reason.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..errors import Conflict, Forbidden, Invalid
from ..monitors import queries as pool
from ..monitors.models import Monitor
from ..users.models import User
from . import plans
from .models import GROUP_ROLES, PlannedVisit, PlannedVisitMember

SKIP_REASONS = ("conflict_of_interest", "untrained", "absent", "busy", "inactive")


@dataclass
class ProposedMember:
    monitor: Monitor
    role: str
    expertise: str | None


@dataclass
class Proposal:
    members: list[ProposedMember] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # needs nobody eligible covers
    skipped: list[tuple[Monitor, str]] = field(default_factory=list)  # (monitor, reason code)


def period(visit: PlannedVisit) -> tuple[date, date, bool]:
    """(first day, last day, exact): the visit's dates, or its whole month when only that is planned."""
    if visit.starts_on and visit.ends_on:
        return visit.starts_on, visit.ends_on, True
    year = visit.plan.year
    return (
        date(year, visit.month, 1),
        date(year, visit.month, calendar.monthrange(year, visit.month)[1]),
        False,
    )


def _busy_ids(visit: PlannedVisit, first: date, last: date) -> set[int]:
    """Monitors in groups of other visits (any plan) on dates overlapping this visit's dates."""
    return set(
        db.session.scalars(
            sa.select(PlannedVisitMember.monitor_id)
            .join(PlannedVisit, PlannedVisit.id == PlannedVisitMember.planned_visit_id)
            .where(
                PlannedVisit.id != visit.id,
                PlannedVisit.status.in_(("planned", "pending")),
                PlannedVisit.starts_on.is_not(None),
                PlannedVisit.starts_on <= last,
                PlannedVisit.ends_on >= first,
            )
        )
    )


def _load(visit: PlannedVisit) -> dict[int, int]:
    """How many visits of the plan each monitor is already in (to spread the work)."""
    return dict(
        db.session.execute(
            sa.select(PlannedVisitMember.monitor_id, sa.func.count())
            .join(PlannedVisit, PlannedVisit.id == PlannedVisitMember.planned_visit_id)
            .where(
                PlannedVisit.plan_id == visit.plan_id,
                PlannedVisit.id != visit.id,
                PlannedVisit.status.in_(("planned", "pending", "done")),
            )
            .group_by(PlannedVisitMember.monitor_id)
        ).all()
    )


def _companions(visit: PlannedVisit) -> set[int]:
    """People already in the groups of the plan's other visits to the same district that month: the
    same group going to both makes them one trip (one journey, not two)."""
    district = (visit.facility.district or "").strip().casefold()
    if not district:
        return set()
    from ..facilities.models import Facility

    rows = db.session.execute(
        sa.select(PlannedVisitMember.monitor_id, Facility.district)
        .join(PlannedVisit, PlannedVisit.id == PlannedVisitMember.planned_visit_id)
        .join(Facility, Facility.id == PlannedVisit.facility_id)
        .where(
            PlannedVisit.plan_id == visit.plan_id,
            PlannedVisit.id != visit.id,
            PlannedVisit.month == visit.month,
            PlannedVisit.status.in_(("planned", "pending")),
            Facility.region_code == visit.facility.region_code,
        )
    ).all()
    return {monitor_id for monitor_id, other in rows if (other or "").strip().casefold() == district}


def eligibility(visit: PlannedVisit) -> tuple[list[Monitor], list[tuple[Monitor, str]]]:
    """(eligible monitors, [(monitor, reason)] of those who may not join this visit's group)."""
    monitors = db.session.scalars(
        sa.select(Monitor).where(Monitor.active.is_(True)).order_by(Monitor.name)
    ).all()
    first, last, exact = period(visit)
    conflicted = pool.conflicted_ids(visit.facility_id)
    trained = pool.trained_ids([m.id for m in monitors])
    absent = pool.absent_ids(first, last, whole_period=not exact)
    busy = _busy_ids(visit, first, last) if exact else set()
    eligible, skipped = [], []
    for monitor in monitors:
        if monitor.id in conflicted:
            skipped.append((monitor, "conflict_of_interest"))
        elif monitor.kind == "civil_society" and monitor.id not in trained:
            skipped.append((monitor, "untrained"))
        elif monitor.id in absent:
            skipped.append((monitor, "absent"))
        elif monitor.id in busy:
            skipped.append((monitor, "busy"))
        else:
            eligible.append(monitor)
    return eligible, skipped


def propose(visit: PlannedVisit) -> Proposal:
    eligible, skipped = eligibility(visit)
    region = visit.facility.region_code
    load = _load(visit)
    companions = _companions(visit)

    def rank(monitor: Monitor):
        return (
            monitor.id not in companions,
            monitor.region_code != region,
            load.get(monitor.id, 0),
            monitor.name,
        )

    proposal = Proposal(skipped=skipped)
    chosen: set[int] = set()
    leaders = sorted((m for m in eligible if m.kind == "staff" and m.user_id), key=rank)
    covered: set[str] = set()
    if leaders:
        leader = leaders[0]
        needed = [n for n in visit.needs if n in leader.expertise_codes]
        proposal.members.append(ProposedMember(leader, "head", needed[0] if needed else None))
        chosen.add(leader.id)
        covered.update(leader.expertise_codes)
    for need in visit.needs:
        if need in covered:
            continue
        candidates = sorted(
            (m for m in eligible if m.id not in chosen and need in m.expertise_codes),
            key=lambda m: (m.kind != "civil_society", *rank(m)),
        )
        if not candidates:
            proposal.missing.append(need)
            continue
        person = candidates[0]
        role = "monitor" if person.kind == "civil_society" else "staff"
        proposal.members.append(
            ProposedMember(person, role if need not in ("doctor", "psychiatrist") else "expert", need)
        )
        chosen.add(person.id)
        covered.update(person.expertise_codes)
    if not any(m.monitor.kind == "civil_society" for m in proposal.members):
        civil = sorted((m for m in eligible if m.kind == "civil_society" and m.id not in chosen), key=rank)
        if civil:
            proposal.members.append(ProposedMember(civil[0], "monitor", None))
    return proposal


def _require_may_change(visit: PlannedVisit) -> None:
    if visit.status not in ("planned", "pending"):
        raise Conflict(_("The group of a visit that has happened or was cancelled is not changed."))
    if visit.plan.status == "in_approval":
        raise Conflict(_("The plan is waiting for approval and cannot be changed now."))


def set_group(visit: PlannedVisit, members: list[dict], *, user: User, reason: str = "") -> PlannedVisit:
    """Put these people in the group (`members`: monitor_id, role, expertise). The same rules as a
    proposal: nobody with a conflict of interest, no untrained civil-society monitor, nobody away;
    exactly one leader, a staff member with an account. The leader approves the group afterwards."""
    from .. import access
    from . import amendments, logistics

    if not access.can(user, access.PLAN_EDIT):
        raise Forbidden(_("Your role may not change monitoring groups."))
    _require_may_change(visit)
    eligible, skipped = eligibility(visit)
    allowed = {m.id: m for m in eligible}
    refused = {m.id: reason for m, reason in skipped}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    heads = 0
    for i, member in enumerate(members):
        monitor_id = member.get("monitor_id")
        role = member.get("role")
        if role not in GROUP_ROLES:
            errors[f"members.{i}.role"] = [_("Unknown role in the monitoring group.")]
        if monitor_id in seen:
            errors[f"members.{i}.monitor_id"] = [_("This person is in the group already.")]
        seen.add(monitor_id)
        if monitor_id in refused:
            errors[f"members.{i}.monitor_id"] = [
                _("Cannot join the group: %(reason)s.", reason=skip_message(refused[monitor_id]))
            ]
        elif monitor_id not in allowed:
            errors[f"members.{i}.monitor_id"] = [_("No such person in the pool.")]
        elif role == "head":
            heads += 1
            if allowed[monitor_id].kind != "staff" or not allowed[monitor_id].user_id:
                errors[f"members.{i}.role"] = [_("The leader must be a staff member with an account.")]
    if members and heads != 1:
        errors["members"] = [_("A group has exactly one leader.")]
    if errors:
        raise Invalid(_("The group was not saved."), errors)
    if visit.plan.status == "approved" and len((reason or "").strip()) < 5:
        raise Invalid(
            _("The group was not saved."),
            {"reason": [_("Say why the plan changes (at least 5 characters).")]},
        )
    before = plans.describe(visit)
    visit.members = [
        PlannedVisitMember(monitor_id=m["monitor_id"], role=m["role"], expertise=m.get("expertise") or None)
        for m in members
    ]
    visit.group_status = "proposed" if members else "none"
    visit.group_approved_at = visit.group_approved_by = None
    db.session.flush()
    logistics.recompute(visit.plan)
    if visit.plan.status == "approved":
        amendments.record_group_change(visit, before=before, reason=reason, user=user)
    else:
        audit.record(
            "planned_visit_group_set",
            actor=user.actor,
            business_key=visit.plan.business_key,
            subject=f"planned_visit:{visit.id}",
            details={"members": [m["monitor_id"] for m in members]},
        )
    return visit


def apply_proposal(visit: PlannedVisit, *, user: User, reason: str = "") -> Proposal:
    proposal = propose(visit)
    set_group(
        visit,
        [{"monitor_id": m.monitor.id, "role": m.role, "expertise": m.expertise} for m in proposal.members],
        user=user,
        reason=reason or _("Group proposed from the pool"),
    )
    return proposal


def approve_group(visit: PlannedVisit, *, user: User) -> PlannedVisit:
    """The group leader confirms the composition (склад групи погоджено керівником групи)."""
    leader = visit.leader
    if leader is None:
        raise Conflict(_("The group has no leader yet."))
    if leader.monitor.user_id != user.id and user.role != "admin":
        raise Forbidden(_("Only the group leader approves the group."))
    if visit.group_status == "approved":
        raise Conflict(_("The group is approved already."))
    visit.group_status = "approved"
    visit.group_approved_at = clock.now()
    visit.group_approved_by = user.actor
    audit.record(
        "planned_visit_group_approved",
        actor=user.actor,
        business_key=visit.plan.business_key,
        subject=f"planned_visit:{visit.id}",
        details={"members": [m.monitor_id for m in visit.members]},
    )
    return visit


def skip_message(reason: str) -> str:
    return {
        "conflict_of_interest": _("conflict of interest with this place declared"),
        "untrained": _("basic training not completed"),
        "absent": _("away at that time"),
        "busy": _("in another visit's group at that time"),
    }.get(reason, reason)
