"""Reading visits: the list a person may see, and the follow-up of each finding's recommendations.

Monitors see their own visits (recorded by them or with them in the monitoring group); the Office's
staff see all. Recommendations are read from their own rows (status and deadline are kept there).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.db import db

from .. import paging
from ..access import visit_filter
from ..recommendations.models import OPEN_STATUSES, Recommendation
from ..users.models import User
from .models import Finding, Visit

PER_PAGE_MAX = 200


@dataclass
class VisitRow:
    visit: Visit
    findings: int
    recommendations: int
    open_recommendations: int


@dataclass
class VisitPage:
    rows: list[VisitRow]
    total: int  # at most paging.COUNT_CAP (see `capped`)
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        return paging.pages(self.total, self.per_page)


def listing(user: User, *, facility_id: int | None = None, page: int = 1, per_page: int = 50) -> VisitPage:
    """Visits `user` may see, newest first, with how many findings and recommendations each has."""
    per_page = min(max(per_page, 1), PER_PAGE_MAX)
    page = max(page, 1)
    query = sa.select(Visit).where(visit_filter(user))
    if facility_id:
        query = query.where(Visit.facility_id == facility_id)
    # Counted up to the cap; the order is the (starts_on, id) index's (migration 0015).
    total = db.session.scalar(sa.select(paging.capped_count(query))) or 0
    visits = db.session.scalars(
        query.order_by(Visit.starts_on.desc(), Visit.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    ids = [v.id for v in visits]
    findings = dict(
        db.session.execute(
            sa.select(Finding.visit_id, sa.func.count())
            .where(Finding.visit_id.in_(ids))
            .group_by(Finding.visit_id)
        ).all()
    )
    recs = {
        row.visit_id: (row.total, row.open)
        for row in db.session.execute(
            sa.select(
                Finding.visit_id,
                sa.func.count(Recommendation.id).label("total"),
                sa.func.coalesce(
                    sa.func.sum(sa.case((Recommendation.status.in_(OPEN_STATUSES), 1), else_=0)), 0
                ).label("open"),
            )
            .join(Recommendation, Recommendation.finding_id == Finding.id)
            .where(Finding.visit_id.in_(ids))
            .group_by(Finding.visit_id)
        )
    }
    rows = [
        VisitRow(v, findings.get(v.id, 0), recs.get(v.id, (0, 0))[0], int(recs.get(v.id, (0, 0))[1]))
        for v in visits
    ]
    return VisitPage(
        rows=rows,
        total=min(total, paging.COUNT_CAP),
        page=page,
        per_page=per_page,
        capped=total > paging.COUNT_CAP,
    )


def recommendations_by_finding(visit: Visit) -> dict[int, list[Recommendation]]:
    """The recommendations made on each finding of a visit (their follow-up status is on the row)."""
    ids = [f.id for f in visit.findings]
    out: dict[int, list[Recommendation]] = {i: [] for i in ids}
    if not ids:
        return out
    for rec in db.session.scalars(
        sa.select(Recommendation).where(Recommendation.finding_id.in_(ids)).order_by(Recommendation.id)
    ):
        out[rec.finding_id].append(rec)
    return out
