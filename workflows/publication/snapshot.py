"""The transparency page's data, prepared ahead: the aggregate figures and the published
recommendations, kept as rows of `public_snapshot` that every worker reads with one primary-key
lookup. The scheduler job refreshes both; a publication refreshes the published part at once.

What is here is what the public may read. It never holds personal data: no names of detainees,
monitors, lawyers or officials, no reply texts (only the measures the authority reports), no
attachments, addresses, court case numbers or notes; places in areas of hostilities are shown at
the oblast only or left out (OMBUDSFLOW_PUBLIC_HOSTILITIES).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from flask import current_app

from engine.clock import clock
from engine.db import db

from ..authorities import queries as authority_queries
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..escalations.models import Escalation
from ..facilities.models import Facility
from ..observations.models import Observation
from ..recommendations.milestones import RecommendationMilestone
from ..recommendations.models import AuthorityReply, Recommendation
from ..reference.models import FacilityKind, Region
from ..reports import replies
from .models import Publication, PublicSnapshot

FIGURES, PUBLISHED = "figures", "published"
SCHEMA_VERSION = "1.0"


def get(key: str) -> PublicSnapshot | None:
    return db.session.get(PublicSnapshot, key)


def ensure(key: str) -> PublicSnapshot:
    """The prepared part; on a fresh installation (nothing prepared yet) prepare it now, once."""
    row = get(key)
    if row is None:
        (_prepare_figures if key == FIGURES else _prepare_published)()
        db.session.commit()
        row = get(key)
    return row


def refresh() -> None:
    """The scheduler job (and `ombudsflow public refresh`): prepare both parts again."""
    _prepare_figures()
    _prepare_published()
    db.session.commit()


def refresh_published() -> None:
    """After a publication changed, in its transaction: the public list follows at once."""
    _prepare_published()


def _store(key: str, content: dict[str, Any]) -> None:
    body = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    values = {
        "key": key,
        "content": content,
        "etag": hashlib.sha256(body).hexdigest()[:32],
        "generated_at": clock.now(),
    }
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(PublicSnapshot).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "content": statement.excluded.content,
            "etag": statement.excluded.etag,
            "generated_at": statement.excluded.generated_at,
        },
    )
    db.session.execute(statement)
    db.session.expire_all()


def _hidden_places() -> str:
    return current_app.config.get("OMBUDSFLOW_PUBLIC_HOSTILITIES", "region")


# --- figures ----------------------------------------------------------------------------------------


def _figures(now: datetime) -> dict[str, Any]:
    """Every recommendation sent to an authority (drafts are the Office's work in progress): totals,
    replies in term / late / none to the first act, implemented — by oblast, kind of place and
    central authority (with everything under it)."""
    m = RecommendationMilestone
    per_rec = (
        sa.select(
            Recommendation.id,
            Recommendation.region_code,
            Recommendation.facility_kind,
            Recommendation.authority_id,
            Recommendation.status,
            replies.timeliness(m.first_reply_at, m.first_act_due_at, now).label("reply"),
        )
        .join(m, m.recommendation_id == Recommendation.id)
        .where(Recommendation.status != "draft", m.first_act_at.is_not(None))
        .cte("public_recs")
    )

    def tallies(*group):
        def n(condition):
            return sa.func.sum(sa.case((condition, 1), else_=0))

        return (
            sa.func.count().label("total"),
            n(per_rec.c.status.not_in(("implemented", "closed"))).label("open"),
            n(per_rec.c.status == "implemented").label("implemented"),
            n(per_rec.c.reply == "in_term").label("in_term"),
            n(per_rec.c.reply == "late").label("late"),
            n(per_rec.c.reply == "no_reply").label("no_reply"),
            n(per_rec.c.reply == "pending").label("pending"),
        )

    keys = ("total", "open", "implemented", "in_term", "late", "no_reply", "pending")

    def rows(query) -> list[dict]:
        return [
            {**{k: int(getattr(r, k) or 0) for k in keys}, "key": r.key} for r in db.session.execute(query)
        ]

    totals = rows(sa.select(sa.literal("all").label("key"), *tallies()).select_from(per_rec))
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    kinds = {k.code: k for k in db.session.scalars(sa.select(FacilityKind))}
    by_region = rows(
        sa.select(per_rec.c.region_code.label("key"), *tallies()).group_by(per_rec.c.region_code)
    )
    by_kind = rows(
        sa.select(per_rec.c.facility_kind.label("key"), *tallies()).group_by(per_rec.c.facility_kind)
    )
    tops = db.session.execute(
        sa.select(Authority.id, Authority.code, Authority.name_uk, Authority.name_en).where(
            Authority.parent_id.is_(None)
        )
    ).all()
    tree = authority_queries.rollup_tree([t.id for t in tops])
    by_authority = rows(
        sa.select(tree.c.root_id.label("key"), *tallies())
        .select_from(per_rec)
        .join(tree, tree.c.id == per_rec.c.authority_id)
        .group_by(tree.c.root_id)
    )
    names = {t.id: t for t in tops}
    for r in by_region:
        region = regions.get(r["key"])
        r.update(
            code=r.pop("key"),
            name_uk=region.name_uk if region else "",
            name_en=region.name_en if region else "",
        )
    for r in by_kind:
        kind = kinds.get(r["key"])
        r.update(
            code=r.pop("key"), name_uk=kind.name_uk if kind else "", name_en=kind.name_en if kind else ""
        )
    for r in by_authority:
        top = names[r.pop("key")]
        r.update(code=top.code, name_uk=top.name_uk, name_en=top.name_en)
    total = totals[0]
    total.pop("key")
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": now.isoformat(),
        "as_of": kyiv_date(now).isoformat(),
        "totals": total,
        "by_region": sorted(by_region, key=lambda r: (-r["total"], r["code"])),
        "by_kind": sorted(by_kind, key=lambda r: (-r["total"], r["code"])),
        "by_authority": sorted(by_authority, key=lambda r: (-r["total"], r["code"])),
    }


def _prepare_figures() -> None:
    _store(FIGURES, _figures(clock.now()))


# --- published recommendations ----------------------------------------------------------------------


def _day(value) -> str | None:
    if value is None:
        return None
    return (kyiv_date(value) if isinstance(value, datetime) else value).isoformat()


def published_items(now: datetime | None = None) -> list[dict[str, Any]]:
    """The published recommendations as the public may read them (the open data's items, v1)."""
    now = now or clock.now()
    hidden = _hidden_places()
    m = RecommendationMilestone
    act_sent, act_due, reply_at = m.first_act_at, m.first_act_due_at, m.first_reply_at
    rows = db.session.execute(
        sa.select(
            Recommendation,
            Publication.published_at,
            Facility.name_uk.label("facility_uk"),
            Facility.name_en.label("facility_en"),
            Facility.in_hostilities_area,
            Region.name_uk.label("region_uk"),
            Region.name_en.label("region_en"),
            FacilityKind.name_uk.label("kind_uk"),
            FacilityKind.name_en.label("kind_en"),
            Authority.code.label("authority_code"),
            Authority.name_uk.label("authority_uk"),
            Authority.name_en.label("authority_en"),
            act_sent.label("act_sent_at"),
            act_due.label("act_due_at"),
            reply_at.label("first_reply_at"),
            replies.timeliness(reply_at, act_due, now).label("reply"),
        )
        .join(Publication, Publication.recommendation_id == Recommendation.id)
        .join(Facility, Facility.id == Recommendation.facility_id)
        .join(Region, Region.code == Recommendation.region_code)
        .join(FacilityKind, FacilityKind.code == Recommendation.facility_kind)
        .join(Authority, Authority.id == Recommendation.authority_id)
        .outerjoin(m, m.recommendation_id == Recommendation.id)
        .order_by(Publication.published_at.desc(), Recommendation.id.desc())
    ).all()
    rows = [r for r in rows if not (r.in_hostilities_area and hidden == "withhold")]
    ids = [r.Recommendation.id for r in rows]
    measures: dict[int, list] = {i: [] for i in ids}
    observations: dict[int, list] = {i: [] for i in ids}
    escalations: dict[int, list] = {i: [] for i in ids}
    if ids:
        for rid, at, text in db.session.execute(
            sa.select(AuthorityReply.recommendation_id, AuthorityReply.received_at, AuthorityReply.measures)
            .where(AuthorityReply.recommendation_id.in_(ids), AuthorityReply.measures != "")
            .order_by(AuthorityReply.received_at, AuthorityReply.id)
        ):
            measures[rid].append({"reported_on": _day(at), "text": text})
        for rid, on, text in db.session.execute(
            sa.select(Observation.recommendation_id, Observation.observed_on, Observation.text)
            .where(Observation.recommendation_id.in_(ids), Observation.published_at.is_not(None))
            .order_by(Observation.observed_on, Observation.id)
        ):
            observations[rid].append({"observed_on": _day(on), "text": text})
        for e in db.session.execute(
            sa.select(
                Escalation.recommendation_id,
                Escalation.kind,
                Escalation.created_at,
                Escalation.decision,
                Escalation.decision_date,
            )
            .where(Escalation.recommendation_id.in_(ids))
            .order_by(Escalation.created_at, Escalation.id)
        ):
            escalations[e.recommendation_id].append(
                {
                    "kind": e.kind,
                    "on": _day(e.created_at),
                    "court_decision": e.decision if e.kind == "court" else None,
                    "decided_on": _day(e.decision_date) if e.kind == "court" else None,
                }
            )
    items = []
    for r in rows:
        rec = r.Recommendation
        show_place = not r.in_hostilities_area
        items.append(
            {
                "id": rec.id,
                "number": rec.number,
                "published_on": _day(r.published_at),
                "created_on": _day(rec.created_at),
                "text": rec.text,
                "category": rec.category,
                "severity": rec.severity,
                "status": rec.status,
                "outcome": rec.outcome,
                "closed_on": _day(rec.closed_at),
                "region": {"code": rec.region_code, "name_uk": r.region_uk, "name_en": r.region_en},
                "facility_kind": {"code": rec.facility_kind, "name_uk": r.kind_uk, "name_en": r.kind_en},
                "facility": {"name_uk": r.facility_uk, "name_en": r.facility_en or r.facility_uk}
                if show_place
                else None,
                "place_withheld": not show_place,
                "authority": {"code": r.authority_code, "name_uk": r.authority_uk, "name_en": r.authority_en},
                "act_sent_on": _day(r.act_sent_at),
                "deadline": _day(r.act_due_at),
                "first_reply_on": _day(r.first_reply_at),
                "reply": r.reply if r.act_sent_at else None,
                "measures": measures[rec.id],
                "observations": observations[rec.id],
                "escalations": escalations[rec.id],
            }
        )
    return items


def _prepare_published() -> None:
    now = clock.now()
    _store(
        PUBLISHED,
        {"schema_version": SCHEMA_VERSION, "generated_at": now.isoformat(), "items": published_items(now)},
    )
