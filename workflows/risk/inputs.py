"""What the risk table is given for each place: a handful of aggregates over the registry, visits,
findings, recommendations and signals — five grouped queries for any number of places, none of
them restoring a workflow.

The windows below are part of what the inputs mean (the table's labels say them too); the weights
and thresholds are the DMN table's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from engine.db import db

from ..deadlines import kyiv_date
from ..facilities.models import Facility, FacilitySignal
from ..recommendations.models import OPEN_STATUSES, Recommendation
from ..recommendations.queries import overdue_clause
from ..visits.models import Finding, Visit

ILL_TREATMENT_CATEGORY = "treatment"
ILL_TREATMENT_YEARS = 3
SIGNAL_DAYS = 365


@dataclass(frozen=True)
class PlaceInputs:
    facility_id: int
    last_visit: date | None
    data: dict[str, Any]


def _restrict(query, column, ids: list[int] | None):
    return query.where(column.in_(ids)) if ids is not None else query


def gather(now: datetime, facility_ids: Iterable[int] | None = None) -> list[PlaceInputs]:
    """The inputs of every active place (or of `facility_ids`), at `now`."""
    ids = sorted(set(facility_ids)) if facility_ids is not None else None
    today = kyiv_date(now)
    places = db.session.execute(
        _restrict(
            sa.select(Facility.id, Facility.kind_code, Facility.capacity, Facility.in_hostilities_area).where(
                Facility.active.is_(True)
            ),
            Facility.id,
            ids,
        )
    ).all()
    last_visit = dict(
        db.session.execute(
            _restrict(
                sa.select(Visit.facility_id, sa.func.max(Visit.ends_on)).group_by(Visit.facility_id),
                Visit.facility_id,
                ids,
            )
        ).all()
    )

    def count(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    recommendations = {
        row.facility_id: row
        for row in db.session.execute(
            _restrict(
                sa.select(
                    Recommendation.facility_id,
                    sa.func.count().label("open"),
                    count(Recommendation.severity == "critical").label("critical"),
                    count(overdue_clause(now)).label("overdue"),
                )
                .where(Recommendation.status.in_(OPEN_STATUSES))
                .group_by(Recommendation.facility_id),
                Recommendation.facility_id,
                ids,
            )
        )
    }
    since = today - timedelta(days=round(365.25 * ILL_TREATMENT_YEARS))
    ill_treatment = dict(
        db.session.execute(
            _restrict(
                sa.select(Visit.facility_id, sa.func.count(Finding.id))
                .join(Finding, Finding.visit_id == Visit.id)
                .where(Finding.category == ILL_TREATMENT_CATEGORY, Visit.ends_on >= since)
                .group_by(Visit.facility_id),
                Visit.facility_id,
                ids,
            )
        ).all()
    )
    signals = dict(
        db.session.execute(
            _restrict(
                sa.select(FacilitySignal.facility_id, sa.func.count())
                .where(FacilitySignal.received_on > today - timedelta(days=SIGNAL_DAYS))
                .group_by(FacilitySignal.facility_id),
                FacilitySignal.facility_id,
                ids,
            )
        ).all()
    )
    result = []
    for place in places:
        last = last_visit.get(place.id)
        recs = recommendations.get(place.id)
        result.append(
            PlaceInputs(
                facility_id=place.id,
                last_visit=last,
                data={
                    "never_visited": last is None,
                    "years_since_visit": None if last is None else round((today - last).days / 365.25, 1),
                    "open_recommendations": int(recs.open) if recs else 0,
                    "overdue_recommendations": int(recs.overdue) if recs else 0,
                    "critical_open": int(recs.critical) if recs else 0,
                    "ill_treatment_findings": int(ill_treatment.get(place.id, 0)),
                    "kind": place.kind_code,
                    "capacity": place.capacity,
                    "hostilities": bool(place.in_hostilities_area),
                    "signals": int(signals.get(place.id, 0)),
                },
            )
        )
    return result
