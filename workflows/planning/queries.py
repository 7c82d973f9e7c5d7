"""Reading plans for the pages and the API: a place's or a person's planned visits, the plan's
visits by quarter, its history, and the open tasks of plan approval a person may work on."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.db import db
from engine.models import AuditEvent, HumanTask

from ..access import task_filter
from ..monitors.models import ConflictOfInterest, Monitor
from ..users.models import User
from .models import PlanAmendment, PlannedVisit, PlannedVisitMember, VisitPlan
from .plans import PROCESS_ID


def planned_for_place(facility_id: int) -> list[PlannedVisit]:
    return db.session.scalars(
        sa.select(PlannedVisit)
        .join(VisitPlan, VisitPlan.id == PlannedVisit.plan_id)
        .where(PlannedVisit.facility_id == facility_id)
        .order_by(VisitPlan.year.desc(), PlannedVisit.month.desc(), PlannedVisit.id.desc())
        .limit(20)
    ).all()


def conflicts_for_place(facility_id: int) -> list[tuple[ConflictOfInterest, Monitor]]:
    return db.session.execute(
        sa.select(ConflictOfInterest, Monitor)
        .join(Monitor, Monitor.id == ConflictOfInterest.monitor_id)
        .where(ConflictOfInterest.facility_id == facility_id)
        .order_by(Monitor.name)
    ).all()


def planned_for_monitor(monitor_id: int) -> list[tuple[PlannedVisit, PlannedVisitMember]]:
    return db.session.execute(
        sa.select(PlannedVisit, PlannedVisitMember)
        .join(PlannedVisitMember, PlannedVisitMember.planned_visit_id == PlannedVisit.id)
        .join(VisitPlan, VisitPlan.id == PlannedVisit.plan_id)
        .where(PlannedVisitMember.monitor_id == monitor_id)
        .order_by(VisitPlan.year.desc(), PlannedVisit.month, PlannedVisit.id)
        .limit(50)
    ).all()


def by_quarter(plan: VisitPlan) -> dict[int, list[PlannedVisit]]:
    """The plan's visits per quarter, month by month (rejected additions left out)."""
    quarters: dict[int, list[PlannedVisit]] = {1: [], 2: [], 3: [], 4: []}
    for visit in plan.visits:
        if visit.status != "rejected":
            quarters[visit.quarter].append(visit)
    for visits in quarters.values():
        visits.sort(key=lambda v: (v.month, v.starts_on or v.plan.created_at.date(), v.facility.name_uk))
    return quarters


def pending_amendments(plan: VisitPlan) -> dict[int, PlanAmendment]:
    """The amendment waiting for approval of each planned visit that has one."""
    return {
        a.planned_visit_id: a
        for a in db.session.scalars(
            sa.select(PlanAmendment).where(
                PlanAmendment.plan_id == plan.id, PlanAmendment.status == "pending"
            )
        )
        if a.planned_visit_id
    }


def history(plan: VisitPlan, limit: int = 300) -> list[AuditEvent]:
    """The plan's audit log, with that of its amendments' approval processes, oldest first."""
    keys = [plan.business_key] + [
        f"plan-amendment:{i}"
        for i in db.session.scalars(sa.select(PlanAmendment.id).where(PlanAmendment.plan_id == plan.id))
    ]
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.business_key.in_(keys)).order_by(AuditEvent.id).limit(limit)
    ).all()


@dataclass
class PlanTask:
    task: HumanTask
    plan: VisitPlan
    amendment: PlanAmendment | None


def open_tasks(user: User) -> list[PlanTask]:
    """Open tasks of plan approval `user` may work on (the inbox shows them above the others)."""
    tasks = db.session.scalars(
        sa.select(HumanTask)
        .where(HumanTask.process_id == PROCESS_ID, HumanTask.status == "open", task_filter(user))
        .order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id)
        .limit(50)
    ).all()
    if not tasks:
        return []
    instance_ids = [t.instance_id for t in tasks]
    plans = {
        p.process_instance_id: p
        for p in db.session.scalars(
            sa.select(VisitPlan).where(VisitPlan.process_instance_id.in_(instance_ids))
        )
    }
    amendments = {
        a.process_instance_id: a
        for a in db.session.scalars(
            sa.select(PlanAmendment).where(PlanAmendment.process_instance_id.in_(instance_ids))
        )
    }
    out = []
    for task in tasks:
        amendment = amendments.get(task.instance_id)
        plan = plans.get(task.instance_id) or (
            db.session.get(VisitPlan, amendment.plan_id) if amendment else None
        )
        if plan is not None:
            out.append(PlanTask(task, plan, amendment))
    return out


def last_comment(plan: VisitPlan, event: str) -> str:
    """The comment of the plan's latest audit event of this kind (e.g. why management returned it)."""
    found = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.business_key == plan.business_key, AuditEvent.event == event)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return (found.details or {}).get("comment", "") if found else ""


def upcoming_for_user(user: User, limit: int = 20) -> list[PlannedVisit]:
    """Planned visits not yet done whose group includes this person (a monitor's or a staff member's
    own list: safety checks to do, groups to approve)."""
    return db.session.scalars(
        sa.select(PlannedVisit)
        .join(PlannedVisitMember, PlannedVisitMember.planned_visit_id == PlannedVisit.id)
        .join(Monitor, Monitor.id == PlannedVisitMember.monitor_id)
        .join(VisitPlan, VisitPlan.id == PlannedVisit.plan_id)
        .where(Monitor.user_id == user.id, PlannedVisit.status.in_(("planned", "pending")))
        .order_by(VisitPlan.year, PlannedVisit.month, PlannedVisit.starts_on, PlannedVisit.id)
        .limit(limit)
    ).all()
