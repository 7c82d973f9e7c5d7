"""Reading scores: the ranking (highest first) and one place's score, from the `risk_score` table."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from engine.db import db

from ..facilities.models import Facility
from .models import LEVELS, RiskScore

PER_PAGE_MAX = 200


@dataclass
class RankingPage:
    rows: list[tuple[RiskScore, Facility]]
    total: int
    page: int
    per_page: int
    levels: dict[str, int]

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def of_place(facility_id: int) -> RiskScore | None:
    return db.session.get(RiskScore, facility_id)


def ranking(
    *,
    region: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> RankingPage:
    """Active places by score, highest first, with how many places each level has (same filters)."""
    per_page = min(max(per_page, 1), PER_PAGE_MAX)
    page = max(page, 1)
    base = (
        sa.select(RiskScore, Facility)
        .join(Facility, Facility.id == RiskScore.facility_id)
        .where(Facility.active.is_(True))
    )
    if region:
        base = base.where(Facility.region_code == region)
    if kind:
        base = base.where(Facility.kind_code == kind)
    levels = {
        code: int(n)
        for code, n in db.session.execute(
            base.with_only_columns(RiskScore.level, sa.func.count()).group_by(RiskScore.level)
        ).all()
    }
    if level in LEVELS:
        base = base.where(RiskScore.level == level)
    total = levels.get(level, 0) if level in LEVELS else sum(levels.values())
    rows = db.session.execute(
        base.order_by(RiskScore.score.desc(), RiskScore.facility_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(joinedload(Facility.kind), joinedload(Facility.region))
    ).all()
    return RankingPage(
        rows=[(r[0], r[1]) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
        levels={code: levels.get(code, 0) for code in LEVELS},
    )
