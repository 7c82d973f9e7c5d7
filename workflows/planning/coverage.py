"""Coverage: how many places of each oblast and kind were visited in a period, what a plan planned
and did, which places were never visited, and the oblast figures the map is coloured by.

Every figure is a grouped query over `facility`, `visit`, `planned_visit` and `risk_score`. Places
the Office cannot reach (`access_suspended`) are counted apart: they are not "not covered".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from engine.clock import clock
from engine.db import db

from ..deadlines import kyiv_date
from ..facilities.models import Facility
from ..reference.models import FacilityKind, Region
from ..risk.models import RiskScore
from ..visits.models import Visit
from .models import PlannedVisit, VisitPlan


@dataclass
class CoverageRow:
    code: str
    name_uk: str
    name_en: str
    places: int = 0
    suspended: int = 0
    visited: int = 0
    planned: int = 0
    done: int = 0
    never_visited: int = 0
    high_risk: int = 0
    mean_risk: float | None = None

    @property
    def percent(self) -> int | None:
        return round(100 * self.visited / self.places) if self.places else None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_uk


@dataclass
class Coverage:
    since: date
    until: date
    plan: VisitPlan | None
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def total(self) -> CoverageRow:
        total = CoverageRow("total", "Усього", "Total")
        for row in self.rows:
            for name in ("places", "suspended", "visited", "planned", "done", "never_visited", "high_risk"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def period_of(plan: VisitPlan | None, months: int = 12) -> tuple[date, date]:
    if plan is not None:
        return date(plan.year, 1, 1), date(plan.year, 12, 31)
    today = kyiv_date(clock.now())
    return today - timedelta(days=round(30.44 * months)), today


def _coverage(by, labels, *, plan: VisitPlan | None, since: date, until: date) -> Coverage:
    places = dict(
        db.session.execute(
            sa.select(by, sa.func.count())
            .where(Facility.active.is_(True), Facility.access_suspended.is_(False))
            .group_by(by)
        ).all()
    )
    suspended = dict(
        db.session.execute(
            sa.select(by, sa.func.count())
            .where(Facility.active.is_(True), Facility.access_suspended.is_(True))
            .group_by(by)
        ).all()
    )
    visited = dict(
        db.session.execute(
            sa.select(by, sa.func.count(sa.distinct(Visit.facility_id)))
            .join(Visit, Visit.facility_id == Facility.id)
            .where(Facility.active.is_(True), Visit.ends_on >= since, Visit.starts_on <= until)
            .group_by(by)
        ).all()
    )
    never = dict(
        db.session.execute(
            sa.select(by, sa.func.count())
            .where(
                Facility.active.is_(True),
                Facility.access_suspended.is_(False),
                ~sa.exists().where(Visit.facility_id == Facility.id),
            )
            .group_by(by)
        ).all()
    )
    risk = {
        code: (int(high or 0), float(mean) if mean is not None else None)
        for code, high, mean in db.session.execute(
            sa.select(
                by,
                sa.func.sum(sa.case((RiskScore.level == "high", 1), else_=0)),
                sa.func.avg(RiskScore.score),
            )
            .join(RiskScore, RiskScore.facility_id == Facility.id)
            .where(Facility.active.is_(True), Facility.access_suspended.is_(False))
            .group_by(by)
        ).all()
    }
    planned, done = {}, {}
    if plan is not None:
        for code, status, n in db.session.execute(
            sa.select(by, PlannedVisit.status, sa.func.count())
            .join(PlannedVisit, PlannedVisit.facility_id == Facility.id)
            # planned and done, as `progress` counts them (additions waiting for approval apart)
            .where(PlannedVisit.plan_id == plan.id, PlannedVisit.status.in_(("planned", "done")))
            .group_by(by, PlannedVisit.status)
        ):
            planned[code] = planned.get(code, 0) + int(n)
            if status == "done":
                done[code] = int(n)
    result = Coverage(since=since, until=until, plan=plan)
    for code, name_uk, name_en in labels:
        high, mean = risk.get(code, (0, None))
        result.rows.append(
            CoverageRow(
                code=code,
                name_uk=name_uk,
                name_en=name_en,
                places=int(places.get(code, 0)),
                suspended=int(suspended.get(code, 0)),
                visited=int(visited.get(code, 0)),
                planned=planned.get(code, 0),
                done=done.get(code, 0),
                never_visited=int(never.get(code, 0)),
                high_risk=high,
                mean_risk=round(mean, 1) if mean is not None else None,
            )
        )
    return result


def by_region(*, plan: VisitPlan | None = None, months: int = 12) -> Coverage:
    since, until = period_of(plan, months)
    labels = db.session.execute(
        sa.select(Region.code, Region.name_uk, Region.name_en).order_by(Region.sort, Region.code)
    ).all()
    return _coverage(Facility.region_code, labels, plan=plan, since=since, until=until)


def by_kind(*, plan: VisitPlan | None = None, months: int = 12) -> Coverage:
    since, until = period_of(plan, months)
    labels = db.session.execute(
        sa.select(FacilityKind.code, FacilityKind.name_uk, FacilityKind.name_en).order_by(
            FacilityKind.sort, FacilityKind.code
        )
    ).all()
    return _coverage(Facility.kind_code, labels, plan=plan, since=since, until=until)


@dataclass
class QuarterProgress:
    quarter: int
    planned: int = 0
    done: int = 0
    cancelled: int = 0
    pending: int = 0
    overdue: int = 0  # planned for a month that has passed and not done
    cost: Decimal = Decimal("0")


def progress(plan: VisitPlan) -> list[QuarterProgress]:
    """Planned against done, per quarter (cancelled and waiting amendments apart)."""
    today = kyiv_date(clock.now())
    rows = {q: QuarterProgress(q) for q in (1, 2, 3, 4)}
    for quarter, month, status, n, cost in db.session.execute(
        sa.select(
            PlannedVisit.quarter,
            PlannedVisit.month,
            PlannedVisit.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(PlannedVisit.estimated_cost), 0),
        )
        .where(PlannedVisit.plan_id == plan.id)
        .group_by(PlannedVisit.quarter, PlannedVisit.month, PlannedVisit.status)
    ):
        row = rows[quarter]
        n = int(n)
        if status in ("planned", "done"):
            row.planned += n
            row.cost += Decimal(cost)
        if status == "done":
            row.done += n
        elif status == "cancelled":
            row.cancelled += n
        elif status == "pending":
            row.pending += n
        if status == "planned" and (plan.year, month) < (today.year, today.month):
            row.overdue += n
    return list(rows.values())


def never_visited(*, region: str | None = None, kind: str | None = None, limit: int = 50, offset: int = 0):
    """Places never visited (reachable ones), highest risk first, and how many there are."""
    query = (
        sa.select(Facility, RiskScore.score)
        .outerjoin(RiskScore, RiskScore.facility_id == Facility.id)
        .where(
            Facility.active.is_(True),
            Facility.access_suspended.is_(False),
            ~sa.exists().where(Visit.facility_id == Facility.id),
        )
    )
    if region:
        query = query.where(Facility.region_code == region)
    if kind:
        query = query.where(Facility.kind_code == kind)
    total = (
        db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))
        or 0
    )
    rows = db.session.execute(
        query.order_by(RiskScore.score.desc().nulls_last(), Facility.name_uk).limit(limit).offset(offset)
    ).all()
    return rows, total
