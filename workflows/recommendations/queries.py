"""Reading recommendations: the filtered list and one recommendation's full story.

Lists read the `recommendation` row and its indexes only. The story of one recommendation (its
timeline) merges what the engine audited, what the domain recorded (acts, replies, verifications,
escalations) and every notice with its delivery state — still without restoring the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.clock import clock
from engine.db import db
from engine.models import AuditEvent, HumanTask, OutboxMessage

from .. import paging
from ..access import recommendation_filter
from ..authorities import queries as authority_queries
from ..deadlines import kyiv_date, kyiv_day_start
from ..errors import NotFound
from ..escalations import protocols
from ..escalations.models import Escalation
from ..publication.models import Publication
from ..users.models import User
from .milestones import RecommendationMilestone
from .models import OPEN_STATUSES, Recommendation, breached
from .waiting import waiting_at

PER_PAGE_MAX = 200


# Days-overdue buckets of the dashboard, as the list's `overdue_days` values (whole Kyiv days).
OVERDUE_BUCKETS = ("1-7", "8-30", "31-90", "91-")
NO_LAWYER = 0  # `lawyer_id=0`: recommendations nobody is responsible for yet


@dataclass(frozen=True)
class RecommendationFilters:
    """One filtered list of recommendations: the page, the API, the exports, the dashboard's links
    and the alerts all say what they want with this, so a number and the list behind it agree.

    Dates are Kyiv days, both ends included (`created_from=2026-01-01&created_to=2026-12-31`).
    """

    status: str | None = None
    open: bool | None = None  # True: any open status; False: implemented or closed
    authority_id: int | None = None
    # With `authority_id`: the recommendations first addressed to it or to any authority under it.
    subordinates: bool = False
    facility_id: int | None = None
    region: str | None = None
    facility_kind: str | None = None
    severity: str | None = None
    category: str | None = None
    lawyer_id: int | None = None  # responsible lawyer; NO_LAWYER for none
    overdue: bool | None = None
    overdue_days: str | None = None  # "8-30", "31-" … whole Kyiv days past the statutory deadline
    step: str | None = None  # element id where the process waits now
    created_from: date | None = None
    created_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    replied_from: date | None = None  # first reply of the authority received in these days
    replied_to: date | None = None
    limitation: str | None = None  # a pending protocol's days left: expired | 0-14 | 15-30 | 31-
    court_decision: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    published: bool | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 50
    cursor: str | None = None  # keyset: the page after the row this cursor names (paging.py)


@dataclass
class RecommendationPage:
    items: list[Recommendation]
    total: int  # at most the cap (paging.cap_for; see `capped`)
    page: int
    per_page: int
    capped: bool = False
    next_cursor: str | None = None

    @property
    def pages(self) -> int:
        return paging.pages(self.total, self.per_page)


def overdue_clause(now: datetime):
    """Overdue: the breach of the statutory deadline the process recorded (`Recommendation.is_overdue`,
    the one rule) — every overdue figure and list is built on this clause."""
    return Recommendation.overdue_clause(now)


def days_range(text: str | None) -> tuple[int, int | None] | None:
    """ "8-30" -> (8, 30); "91-" -> (91, None); anything else None."""
    low, sep, high = (text or "").partition("-")
    if not sep or not low.isdigit() or (high and not high.isdigit()) or len(text or "") > 12:
        return None
    if high and int(high) < int(low):
        return None
    return int(low), (int(high) if high else None)


def overdue_days_clause(now: datetime, low: int, high: int | None):
    """Overdue by `low`…`high` whole Kyiv days: the deadline's Kyiv day lies that many days before
    today. A deadline passed earlier today (only a deadline that is not the end of a day can) counts
    as one day, so that the buckets add up to the overdue total."""
    today = kyiv_date(now)
    clauses = [overdue_clause(now)]
    if low > 1:
        clauses.append(Recommendation.due_at < kyiv_day_start(today - timedelta(days=low - 1)))
    if high is not None:
        clauses.append(Recommendation.due_at >= kyiv_day_start(today - timedelta(days=high)))
    return sa.and_(*clauses)


def overdue_bucket(now: datetime):
    """A CASE naming the `OVERDUE_BUCKETS` entry an overdue recommendation falls in (NULL when it is
    not overdue): the same bounds as `overdue_days_clause`, so each bucket is its list. The overdue
    test comes first and once: the dashboard evaluates this for every open recommendation."""
    today = kyiv_date(now)
    whens = []
    for bucket in OVERDUE_BUCKETS:
        _low, high = days_range(bucket)
        if high is not None:
            whens.append((Recommendation.due_at >= kyiv_day_start(today - timedelta(days=high)), bucket))
    by_days = sa.case(*whens, else_=OVERDUE_BUCKETS[-1])
    return sa.case((overdue_clause(now), by_days), else_=None)


def _day_range(column, start: date | None, end: date | None) -> list:
    clauses = []
    if start:
        clauses.append(column >= kyiv_day_start(start))
    if end:
        clauses.append(column < kyiv_day_start(end + timedelta(days=1)))
    return clauses


def conditions(user: User, f: RecommendationFilters, now: datetime | None = None) -> list:
    """The WHERE clauses on `recommendation` for what `user` may see under the filters `f`."""
    now = now or clock.now()
    where = [recommendation_filter(user)]
    if f.status:
        where.append(Recommendation.status == f.status)
    if f.open is True:
        where.append(Recommendation.status.in_(paging.const(OPEN_STATUSES)))
    elif f.open is False:
        where.append(Recommendation.status.not_in(paging.const(OPEN_STATUSES)))
    if f.authority_id and f.subordinates:
        where.append(Recommendation.authority_id.in_(authority_queries.subtree_ids(f.authority_id)))
    elif f.authority_id:
        where.append(
            sa.or_(
                Recommendation.addressee_id == f.authority_id, Recommendation.authority_id == f.authority_id
            )
        )
    if f.facility_id:
        where.append(Recommendation.facility_id == f.facility_id)
    if f.region:
        where.append(Recommendation.region_code == f.region)
    if f.facility_kind:
        where.append(Recommendation.facility_kind == f.facility_kind)
    if f.severity:
        where.append(Recommendation.severity == f.severity)
    if f.category:
        where.append(Recommendation.category == f.category)
    if f.lawyer_id == NO_LAWYER:
        where.append(Recommendation.responsible_lawyer_id.is_(None))
    elif f.lawyer_id:
        where.append(Recommendation.responsible_lawyer_id == f.lawyer_id)
    if f.overdue is True:
        where.append(overdue_clause(now))
    elif f.overdue is False:
        where.append(sa.not_(overdue_clause(now)) | Recommendation.due_at.is_(None))
    days = days_range(f.overdue_days)
    if f.overdue_days and days is None:
        where.append(sa.false())
    elif days:
        where.append(overdue_days_clause(now, *days))
    if f.step:
        where.append(waiting_at(f.step))
    where += _day_range(Recommendation.created_at, f.created_from, f.created_to)
    where += _day_range(Recommendation.closed_at, f.closed_from, f.closed_to)
    if f.replied_from or f.replied_to:
        first_reply = RecommendationMilestone.first_reply_at
        where.append(
            Recommendation.id.in_(
                sa.select(RecommendationMilestone.recommendation_id).where(
                    *_day_range(first_reply, f.replied_from, f.replied_to)
                )
            )
        )
    if f.limitation:
        pending = protocols.pending_with_limitation(
            kyiv_date(now), f.limitation, protocols.limitation_months()
        )
        where.append(Recommendation.id.in_(sa.select(Escalation.recommendation_id).where(pending)))
    if f.court_decision:
        decided = protocols.court_decided(f.court_decision, f.decided_from, f.decided_to)
        where.append(Recommendation.id.in_(sa.select(Escalation.recommendation_id).where(decided)))
    if f.published is not None:
        published = sa.exists().where(Publication.recommendation_id == Recommendation.id)
        where.append(published if f.published else sa.not_(published))
    if f.q and f.q.strip():
        where.append(search_clause(f.q))
    return where


def search_clause(q: str):
    """Recommendations whose text or number contains `q`, case-insensitively (Cyrillic included,
    on SQLite too: the text is compared with its casefolded copy); `%` and `_` match themselves."""
    term = q.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        Recommendation.search_text.like(f"%{term}%", escape="\\"),
        Recommendation.number.ilike(f"%{term}%", escape="\\"),
    )


def count(user: User, f: RecommendationFilters, now: datetime | None = None) -> int:
    """How many recommendations the list `f` holds for `user` (the alerts' and the tests' number)."""
    query = sa.select(sa.func.count()).select_from(Recommendation).where(*conditions(user, f, now))
    return db.session.scalar(query) or 0


def listing(user: User, f: RecommendationFilters) -> RecommendationPage:
    query = sa.select(Recommendation).where(*conditions(user, f, clock.now()))
    per_page = min(max(f.per_page, 1), PER_PAGE_MAX)
    page = max(f.page, 1)
    # Counted up to the cap: an exact count of a million rows costs more than the page.
    cap = paging.cap_for(f.q)
    total = db.session.scalar(sa.select(paging.capped_count(query, cap))) or 0
    # Newest first; every filter's index ends with the id, so the page is an index range.
    keys = [paging.Key(Recommendation.id, descending=True)]
    if f.cursor:
        values = paging.decode(f.cursor, 1)
        if values is None or not isinstance(values[0], int):
            raise paging.bad_cursor()
        query = query.where(paging.after(keys, values))
    else:
        query = query.offset((page - 1) * per_page)
    items = db.session.scalars(query.order_by(*paging.order_by(keys)).limit(per_page + 1)).all()
    more, items = len(items) > per_page, items[:per_page]
    return RecommendationPage(
        items=items,
        total=min(total, cap),
        page=page,
        per_page=per_page,
        capped=total > cap,
        next_cursor=paging.encode([items[-1].id]) if more and items else None,
    )


def get(user: User, recommendation_id: int) -> Recommendation:
    """The recommendation if `user` may see it. A hidden one answers exactly like a missing one
    (404): its existence is not the viewer's to learn."""
    rec = db.session.get(Recommendation, recommendation_id)
    visible = (
        rec is not None
        and db.session.scalar(
            sa.select(Recommendation.id).where(Recommendation.id == rec.id, recommendation_filter(user))
        )
        is not None
    )
    if not visible:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    return rec


def days_overdue(
    status: str, overdue_since: datetime | None, due_at: datetime | None, now: datetime | None = None
) -> int | None:
    """Whole Kyiv days past the statutory deadline (at least 1), or None when not overdue: the
    Python side of `overdue_clause` and `overdue_days_clause`, for a row already selected."""
    now = now or clock.now()
    if not breached(status, overdue_since, due_at, now):
        return None
    return max((kyiv_date(now) - kyiv_date(due_at)).days, 1)


def is_overdue(rec: Recommendation, now: datetime | None = None) -> bool:
    return rec.is_overdue(now or clock.now())


def open_tasks(rec: Recommendation) -> list[HumanTask]:
    return open_tasks_for([rec]).get(rec.id, [])


def open_tasks_for(recs: list[Recommendation]) -> dict[int, list[HumanTask]]:
    """The open tasks of each recommendation's process, oldest first, in one statement."""
    by_instance = {r.process_instance_id: r.id for r in recs if r.process_instance_id is not None}
    found: dict[int, list[HumanTask]] = {}
    if not by_instance:
        return found
    for task in db.session.scalars(
        sa.select(HumanTask)
        .where(HumanTask.instance_id.in_(list(by_instance)), HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)
    ):
        found.setdefault(by_instance[task.instance_id], []).append(task)
    return found


def escalations(rec: Recommendation) -> list[Escalation]:
    return escalations_for([rec.id]).get(rec.id, [])


def escalations_for(recommendation_ids: list[int]) -> dict[int, list[Escalation]]:
    """Each recommendation's escalations, oldest first, in one statement."""
    found: dict[int, list[Escalation]] = {}
    if not recommendation_ids:
        return found
    for e in db.session.scalars(
        sa.select(Escalation)
        .where(Escalation.recommendation_id.in_(recommendation_ids))
        .order_by(Escalation.id)
    ):
        found.setdefault(e.recommendation_id, []).append(e)
    return found


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
