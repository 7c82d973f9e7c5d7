"""Reading recommendations: the filtered list and one recommendation's full story.

Lists read the `recommendation` row and its indexes only. The story of one recommendation (its
timeline) merges what the engine audited, what the domain recorded (acts, replies, verifications,
escalations) and every notice with its delivery state — still without restoring the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.clock import clock
from engine.db import db
from engine.models import AuditEvent, HumanTask, OutboxMessage

from ..access import recommendation_filter
from ..errors import Forbidden, NotFound
from ..escalations.models import Escalation
from ..users.models import User
from .models import OPEN_STATUSES, Recommendation

PER_PAGE_MAX = 200


@dataclass(frozen=True)
class RecommendationFilters:
    status: str | None = None
    authority_id: int | None = None
    facility_id: int | None = None
    region: str | None = None
    severity: str | None = None
    overdue: bool | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 50


@dataclass
class RecommendationPage:
    items: list[Recommendation]
    total: int
    page: int
    per_page: int


def overdue_clause(now: datetime):
    """Recommendations overdue at `now`: open, and their statutory deadline (`due_at`) has passed.
    Lists, counts and risk scores all ask this one clause."""
    return sa.and_(Recommendation.status.in_(OPEN_STATUSES), Recommendation.due_at < now)


def search_clause(q: str):
    """Recommendations whose text or number contains `q`, case-insensitively (Cyrillic included,
    on SQLite too: the text is compared with its casefolded copy); `%` and `_` match themselves."""
    term = q.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        Recommendation.search_text.like(f"%{term}%", escape="\\"),
        Recommendation.number.ilike(f"%{term}%", escape="\\"),
    )


def listing(user: User, f: RecommendationFilters) -> RecommendationPage:
    now = clock.now()
    query = sa.select(Recommendation).where(recommendation_filter(user))
    if f.status:
        query = query.where(Recommendation.status == f.status)
    if f.authority_id:
        query = query.where(
            sa.or_(
                Recommendation.addressee_id == f.authority_id, Recommendation.authority_id == f.authority_id
            )
        )
    if f.facility_id:
        query = query.where(Recommendation.facility_id == f.facility_id)
    if f.region:
        query = query.where(Recommendation.region_code == f.region)
    if f.severity:
        query = query.where(Recommendation.severity == f.severity)
    if f.overdue is True:
        query = query.where(overdue_clause(now))
    elif f.overdue is False:
        query = query.where(sa.not_(overdue_clause(now)) | Recommendation.due_at.is_(None))
    if f.q and f.q.strip():
        query = query.where(search_clause(f.q))
    per_page = min(max(f.per_page, 1), PER_PAGE_MAX)
    page = max(f.page, 1)
    total = (
        db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))
        or 0
    )
    items = db.session.scalars(
        query.order_by(Recommendation.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return RecommendationPage(items=items, total=total, page=page, per_page=per_page)


def get(user: User, recommendation_id: int) -> Recommendation:
    rec = db.session.get(Recommendation, recommendation_id)
    if rec is None:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    visible = db.session.scalar(
        sa.select(Recommendation.id).where(Recommendation.id == rec.id, recommendation_filter(user))
    )
    if visible is None:
        raise Forbidden(_("This recommendation is not addressed to you."))
    return rec


def is_overdue(rec: Recommendation, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return rec.status in OPEN_STATUSES and rec.due_at is not None and rec.due_at < now


def open_tasks(rec: Recommendation) -> list[HumanTask]:
    if rec.process_instance_id is None:
        return []
    return db.session.scalars(
        sa.select(HumanTask)
        .where(HumanTask.instance_id == rec.process_instance_id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)
    ).all()


def escalations(rec: Recommendation) -> list[Escalation]:
    return db.session.scalars(
        sa.select(Escalation).where(Escalation.recommendation_id == rec.id).order_by(Escalation.id)
    ).all()


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # audit | notice
    event: str
    actor: str | None = None
    subject: str | None = None
    element_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def timeline(rec: Recommendation, *, authority_id: int | None = None) -> list[TimelineEntry]:
    """Everything that happened, oldest first: audit events and every notice with its delivery state.

    With `authority_id`, what that authority's officials may read: their own steps and the notices
    sent to them — not the Office's internal work (claims, assessments, notices to others).
    """
    key = rec.business_key
    clauses = [AuditEvent.business_key == key]
    if rec.process_instance_id:
        clauses.append(AuditEvent.instance_id == rec.process_instance_id)
    events = db.session.scalars(sa.select(AuditEvent).where(sa.or_(*clauses)).order_by(AuditEvent.id)).all()
    entries = [
        TimelineEntry(
            at=e.at,
            kind="audit",
            event=e.event,
            actor=e.actor,
            subject=e.subject,
            element_id=e.element_id,
            details=e.details or {},
        )
        for e in events
        if not e.event.startswith("notification_")  # the notice entry below carries its delivery state
    ]
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.business_key == key).order_by(OutboxMessage.id)
    ).all()
    for m in messages:
        entries.append(
            TimelineEntry(
                at=m.created_at,
                kind="notice",
                event=m.topic,
                subject=m.recipient,
                details={
                    "id": m.id,
                    "channel": m.channel,
                    "status": m.status,
                    "attempts": m.attempts,
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                    "last_error": m.last_error,
                },
            )
        )
    if authority_id is not None:
        entries = _for_authority(entries, authority_id)
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "audit" else 1))
    return entries


def _for_authority(entries: list[TimelineEntry], authority_id: int) -> list[TimelineEntry]:
    from ..authorities.models import Authority

    authority = db.session.get(Authority, authority_id)
    addresses = {a.lower() for a in (authority.emails if authority else [])}
    officials = {
        f"user:{uid}"
        for uid in db.session.scalars(sa.select(User.id).where(User.authority_id == authority_id))
    } | {f"link:authority:{authority_id}"}
    return [
        e
        for e in entries
        if (e.kind == "notice" and (e.subject or "").lower() in addresses)
        or (e.kind == "audit" and e.actor in officials)
    ]


def visible_to_authority(rec: Recommendation, authority_id: int) -> dict[str, list]:
    """The records of a recommendation an authority's officials may read (the rest is the Office's)."""
    return {
        "open_tasks": [t for t in open_tasks(rec) if t.candidate_group == f"authority:{authority_id}"],
        "acts": [a for a in rec.acts if a.addressee_id == authority_id],
        "replies": [r for r in rec.replies if r.authority_id == authority_id],
        "extensions": [x for x in rec.extensions if x.authority_id == authority_id],
        "verifications": [],
        "escalations": [e for e in escalations(rec) if e.target_authority_id == authority_id],
        "history": timeline(rec, authority_id=authority_id),
    }
