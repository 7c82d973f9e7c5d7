"""The rows of a filtered recommendations list as a table to export (CSV, XLSX): one query with the
names joined in, streamed, whatever the number of rows. The same filters and the same visibility
as the list page (`recommendations.queries.conditions`), so an export is exactly the list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from engine.clock import clock
from engine.db import db

from ..authorities.models import Authority
from ..facilities.models import Facility
from ..recommendations import queries
from ..recommendations.models import Recommendation
from ..reference.models import FacilityKind, Region
from ..users.models import User

COLUMNS = (
    "number",
    "text",
    "severity",
    "category",
    "status",
    "due_at",
    "days_overdue",
    "region",
    "facility_kind",
    "facility",
    "authority",
    "addressee",
    "lawyer",
    "created_at",
    "closed_at",
    "outcome",
)


class ExportRow(NamedTuple):
    number: str
    text: str
    severity: str
    category: str
    status: str
    due_at: datetime | None
    days_overdue: int | None
    region: str
    facility_kind: str
    facility: str
    authority: str
    addressee: str
    lawyer: str
    created_at: datetime
    closed_at: datetime | None
    outcome: str | None


def rows(user: User, f: queries.RecommendationFilters, language: str) -> Iterator[ExportRow]:
    """Every row of the list `f` (no paging), newest first; names in `language`."""
    now = clock.now()
    en = language == "en"
    first, current = aliased(Authority), aliased(Authority)

    def name(entity):
        return sa.func.coalesce(sa.func.nullif(entity.name_en, ""), entity.name_uk) if en else entity.name_uk

    query = (
        sa.select(
            Recommendation.number,
            Recommendation.text,
            Recommendation.severity,
            Recommendation.category,
            Recommendation.status,
            Recommendation.due_at,
            Recommendation.overdue_since,
            name(Region).label("region"),
            name(FacilityKind).label("kind"),
            name(Facility).label("facility"),
            name(first).label("authority"),
            name(current).label("addressee"),
            User.name.label("lawyer"),
            Recommendation.created_at,
            Recommendation.closed_at,
            Recommendation.outcome,
        )
        .join(Facility, Facility.id == Recommendation.facility_id)
        .join(Region, Region.code == Recommendation.region_code)
        .join(FacilityKind, FacilityKind.code == Recommendation.facility_kind)
        .join(first, first.id == Recommendation.authority_id)
        .join(current, current.id == Recommendation.addressee_id)
        .outerjoin(User, User.id == Recommendation.responsible_lawyer_id)
        .where(*queries.conditions(user, f, now))
        .order_by(Recommendation.id.desc())
        .execution_options(yield_per=1000)
    )
    for r in db.session.execute(query):
        yield ExportRow(
            r.number,
            r.text,
            r.severity,
            r.category,
            r.status,
            r.due_at,
            queries.days_overdue(r.status, r.overdue_since, r.due_at, now),
            r.region,
            r.kind,
            r.facility,
            r.authority,
            r.addressee,
            r.lawyer or "",
            r.created_at,
            r.closed_at,
            r.outcome,
        )
