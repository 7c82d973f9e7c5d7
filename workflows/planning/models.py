"""Plans of monitoring visits and everything a planned visit needs before and after it happens.

A planned visit is its own thing: it may lie in the future, has a month or dates, a group and a cost.
When it happens it becomes the visit record (`visit_id`), which keeps the rule that a visit is
recorded after it took place.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db
from engine.models import JSON

from ..facilities.models import Facility
from ..monitors.models import Monitor
from ..reference.models import RegionalOffice

PLAN_STATUSES = ("draft", "in_approval", "returned", "approved")
# Plans that may be edited directly; an approved plan changes only through amendments.
EDITABLE_STATUSES = ("draft", "returned")
PLANNED_VISIT_KINDS = ("regular", "follow_up", "ad_hoc")
# pending: added by an amendment that waits for approval; rejected: that amendment was refused.
PLANNED_VISIT_STATUSES = ("planned", "pending", "done", "cancelled", "rejected")
ACTIVE_VISIT_STATUSES = ("planned", "pending", "done")
GROUP_STATUSES = ("none", "proposed", "approved")
GROUP_ROLES = ("head", "staff", "monitor", "expert")
AMENDMENT_KINDS = ("add_visit", "cancel_visit", "reschedule", "change_visit", "change_group")
AMENDMENT_STATUSES = ("applied", "pending", "approved", "rejected")
EXPENSE_KINDS = ("travel", "accommodation", "per_diem", "other")
EXPENSE_STATUSES = ("to_reimburse", "reimbursed")
CHECK_OUTCOMES = ("implemented", "partially_implemented", "not_implemented", "no_longer_relevant")
QUARTERS = (1, 2, 3, 4)


class VisitPlan(db.Model):
    """Річний план моніторингових візитів."""

    __tablename__ = "visit_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # Coverage targets the draft was made from (visits, per_oblast, every_kind, not_visited_years).
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The number of the approved version (0 before the first approval); amendments approved by
    # management make the next version.
    version: Mapped[int] = mapped_column(default=0)
    process_instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    visits: Mapped[list[PlannedVisit]] = relationship(
        back_populates="plan", order_by="[PlannedVisit.month, PlannedVisit.id]"
    )

    @property
    def business_key(self) -> str:
        return f"plan:{self.id}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class PlanVersion(db.Model):
    """What management approved, as it was: one snapshot per approval of the plan or an amendment."""

    __tablename__ = "visit_plan_version"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plan.id"), index=True)
    number: Mapped[int]
    amendment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_amendment.id"))
    visits: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_cost: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    approved_at: Mapped[datetime]
    approved_by: Mapped[str] = mapped_column(sa.String(200))
    comment: Mapped[str] = mapped_column(sa.Text, default="")


class Trip(db.Model):
    """Visits to places of one district in one month, made in one journey (one travel cost)."""

    __tablename__ = "trip"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plan.id"), index=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"))
    district: Mapped[str] = mapped_column(sa.String(200))
    month: Mapped[int]


class PlannedVisit(db.Model):
    """Запланований візит: place, month or dates, kind, unannounced or not, group, cost."""

    __tablename__ = "planned_visit"
    __table_args__ = (sa.Index("ix_planned_visit_plan_status", "plan_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plan.id"))
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    quarter: Mapped[int]
    month: Mapped[int]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # Days on site, for costs (the dates' span when they are set).
    days: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(sa.String(20))
    unannounced: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    # Why the place is in the plan (risk, coverage of an oblast or a kind, not visited for years).
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_score: Mapped[int | None]
    # Expertise the group needs (from bpmn/group_needs.dmn, editable by the planner).
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    group_status: Mapped[str] = mapped_column(sa.String(20), default="none")
    group_approved_at: Mapped[datetime | None]
    group_approved_by: Mapped[str | None] = mapped_column(sa.String(200))
    trip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trip.id"), index=True)
    estimated_cost: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime]

    plan: Mapped[VisitPlan] = relationship(back_populates="visits")
    facility: Mapped[Facility] = relationship()
    trip: Mapped[Trip | None] = relationship()
    members: Mapped[list[PlannedVisitMember]] = relationship(
        cascade="all, delete-orphan", order_by="PlannedVisitMember.id"
    )
    recommendation_links: Mapped[list[PlannedVisitRecommendation]] = relationship(
        cascade="all, delete-orphan", order_by="PlannedVisitRecommendation.recommendation_id"
    )
    safety_check: Mapped[SafetyCheck | None] = relationship(
        back_populates="planned_visit", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def leader(self) -> PlannedVisitMember | None:
        return next((m for m in self.members if m.role == "head"), None)


class PlannedVisitMember(db.Model):
    """A member of the planned monitoring group (склад моніторингової групи)."""

    __tablename__ = "planned_visit_member"
    __table_args__ = (sa.UniqueConstraint("planned_visit_id", "monitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_visit_id: Mapped[int] = mapped_column(sa.ForeignKey("planned_visit.id"), index=True)
    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    # The expertise this member brings to the group (one of the visit's needs), if any.
    expertise: Mapped[str | None] = mapped_column(sa.String(30))

    monitor: Mapped[Monitor] = relationship()


class PlannedVisitRecommendation(db.Model):
    """A recommendation a follow-up visit goes to check."""

    __tablename__ = "planned_visit_recommendation"

    planned_visit_id: Mapped[int] = mapped_column(sa.ForeignKey("planned_visit.id"), primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), primary_key=True)


class RecommendationCheck(db.Model):
    """What a follow-up visit found about one recommendation (the "visit — change" cycle)."""

    __tablename__ = "recommendation_check"
    __table_args__ = (sa.UniqueConstraint("visit_id", "recommendation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    found: Mapped[str] = mapped_column(sa.Text, default="")
    checked_at: Mapped[datetime | None]
    checked_by: Mapped[str | None] = mapped_column(sa.String(200))


class SafetyCheck(db.Model):
    """Безпекова перевірка перед візитом до місця в районі бойових дій; the visit cannot start without
    a completed one."""

    __tablename__ = "safety_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_visit_id: Mapped[int] = mapped_column(sa.ForeignKey("planned_visit.id"), unique=True)
    military_coordination: Mapped[bool] = mapped_column(default=False)
    military_contact: Mapped[str] = mapped_column(sa.String(500), default="")
    shelter: Mapped[bool] = mapped_column(default=False)
    shelter_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    communication: Mapped[bool] = mapped_column(default=False)
    communication_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    evacuation_route: Mapped[str] = mapped_column(sa.Text, default="")
    completed_at: Mapped[datetime]
    completed_by: Mapped[str] = mapped_column(sa.String(200))

    planned_visit: Mapped[PlannedVisit] = relationship(back_populates="safety_check")


class PlanAmendment(db.Model):
    """Зміни до плану: every change of an approved plan, with its reason and what it changed."""

    __tablename__ = "plan_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plan.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    planned_visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("planned_visit.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(20))
    process_instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_instance.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime]

    planned_visit: Mapped[PlannedVisit | None] = relationship()

    @property
    def business_key(self) -> str:
        return f"plan-amendment:{self.id}"


class CostRate(db.Model):
    """A rate an admin sets: per diem, accommodation, travel (UAH per person)."""

    __tablename__ = "cost_rate"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(sa.String(200))


class PlanBudget(db.Model):
    """The money a plan has for a quarter and a regional office (office None: the NPM Department)."""

    __tablename__ = "plan_budget"
    __table_args__ = (sa.UniqueConstraint("plan_id", "quarter", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plan.id"), index=True)
    quarter: Mapped[int]
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regional_office.id"))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))

    office: Mapped[RegionalOffice | None] = relationship()


class Expense(db.Model):
    """Витрати монітора до відшкодування, recorded against a planned visit."""

    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_visit_id: Mapped[int] = mapped_column(sa.ForeignKey("planned_visit.id"), index=True)
    monitor_id: Mapped[int] = mapped_column(sa.ForeignKey("monitor.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="to_reimburse")
    recorded_by: Mapped[str] = mapped_column(sa.String(200))
    recorded_at: Mapped[datetime]
    reimbursed_at: Mapped[datetime | None]
    reimbursed_by: Mapped[str | None] = mapped_column(sa.String(200))

    monitor: Mapped[Monitor] = relationship()
