"""The registry of places as the pages read it: search and filters, and per place its last visit,
open and overdue recommendations and risk — aggregates over indexed columns for one page of places
at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from engine.clock import clock
from engine.db import db

from ..recommendations.models import OPEN_STATUSES, Recommendation
from ..recommendations.queries import overdue_clause
from ..risk.models import RiskScore
from ..visits.models import Visit
from .models import Facility

PER_PAGE_MAX = 200


@dataclass(frozen=True)
class PlaceFilters:
    q: str | None = None
    region: str | None = None
    kind: str | None = None
    authority_id: int | None = None
    hostilities: bool | None = None
    never_visited: bool = False
    page: int = 1
    per_page: int = 50


@dataclass
class PlaceRow:
    facility: Facility
    last_visit: date | None
    open_recommendations: int
    overdue_recommendations: int
    risk: RiskScore | None


@dataclass
class PlacePage:
    rows: list[PlaceRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _search(q: str):
    term = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{term}%"
    # SQLite's LIKE folds ASCII only: compare with the casefolded term too, and the title-cased one
    # (registry names start with a capital: "Львівська" is found by "львівська").
    variants = {like, f"%{term.casefold()}%", f"%{term[:1].upper()}{term[1:].casefold()}%"}
    clauses = []
    for variant in variants:
        clauses += [
            Facility.name_uk.ilike(variant, escape="\\"),
            Facility.name_en.ilike(variant, escape="\\"),
            Facility.address.ilike(variant, escape="\\"),
            Facility.code.ilike(variant, escape="\\"),
        ]
    return sa.or_(*clauses)


def listing(f: PlaceFilters) -> PlacePage:
    per_page = min(max(f.per_page, 1), PER_PAGE_MAX)
    page = max(f.page, 1)
    query = sa.select(Facility).where(Facility.active.is_(True))
    if f.q and f.q.strip():
        query = query.where(_search(f.q))
    if f.region:
        query = query.where(Facility.region_code == f.region)
    if f.kind:
        query = query.where(Facility.kind_code == f.kind)
    if f.authority_id:
        query = query.where(Facility.authority_id == f.authority_id)
    if f.hostilities is not None:
        query = query.where(Facility.in_hostilities_area.is_(f.hostilities))
    if f.never_visited:
        query = query.where(~sa.exists().where(Visit.facility_id == Facility.id))
    total = (
        db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))
        or 0
    )
    facilities = db.session.scalars(
        query.order_by(Facility.name_uk, Facility.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(joinedload(Facility.kind), joinedload(Facility.region), joinedload(Facility.authority))
    ).all()
    return PlacePage(rows=rows_for(facilities), total=total, page=page, per_page=per_page)


def rows_for(facilities: list[Facility]) -> list[PlaceRow]:
    """Last visit, open and overdue recommendations and risk of these places, in three queries."""
    ids = [f.id for f in facilities]
    if not ids:
        return []
    now = clock.now()
    last = dict(
        db.session.execute(
            sa.select(Visit.facility_id, sa.func.max(Visit.ends_on))
            .where(Visit.facility_id.in_(ids))
            .group_by(Visit.facility_id)
        ).all()
    )
    recs = {
        row.facility_id: (int(row.open), int(row.overdue))
        for row in db.session.execute(
            sa.select(
                Recommendation.facility_id,
                sa.func.count().label("open"),
                sa.func.coalesce(sa.func.sum(sa.case((overdue_clause(now), 1), else_=0)), 0).label("overdue"),
            )
            .where(Recommendation.facility_id.in_(ids), Recommendation.status.in_(OPEN_STATUSES))
            .group_by(Recommendation.facility_id)
        )
    }
    risks = {
        r.facility_id: r
        for r in db.session.scalars(sa.select(RiskScore).where(RiskScore.facility_id.in_(ids)))
    }
    return [
        PlaceRow(
            facility=f,
            last_visit=last.get(f.id),
            open_recommendations=recs.get(f.id, (0, 0))[0],
            overdue_recommendations=recs.get(f.id, (0, 0))[1],
            risk=risks.get(f.id),
        )
        for f in facilities
    ]


def visits_of(facility: Facility, limit: int = 20) -> list[Visit]:
    return db.session.scalars(
        sa.select(Visit)
        .where(Visit.facility_id == facility.id)
        .order_by(Visit.starts_on.desc(), Visit.id.desc())
        .limit(limit)
    ).all()


def open_recommendations(facility: Facility, limit: int = 50) -> list[Recommendation]:
    """Open recommendations of the place, overdue ones first, then by deadline."""
    now = clock.now()
    overdue_first = sa.case((overdue_clause(now), 0), else_=1)
    return db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.facility_id == facility.id, Recommendation.status.in_(OPEN_STATUSES))
        .order_by(overdue_first, Recommendation.due_at.asc().nulls_last(), Recommendation.id)
        .limit(limit)
    ).all()
