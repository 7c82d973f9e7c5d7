"""The portal's home and a recommendation as an official reads it, built on the one access policy:
`scopes.authority_parts` says which recommendations are the authority's own and which are its
subordinates', `views.for_authority` what the officials read of each, `queries.addressed_to` which
documents they may open. Overdue is `Recommendation.overdue_clause`/`is_overdue` (the statutory
deadline only); days are whole Kyiv days (`workflows.deadlines`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from engine.clock import clock
from engine.db import db

from ..access import scopes, views
from ..authorities.models import Authority
from ..deadlines import kyiv_date
from ..documents import acts
from ..documents import queries as documents
from ..documents.models import Document
from ..errors import NotFound
from ..files.models import StoredFile
from ..recommendations.models import OPEN_STATUSES, WAITING_STATUSES, Recommendation, ResponseAct
from ..users.models import User

PER_PAGE = 30
ANSWER_AWAITED = (*WAITING_STATUSES, "reply_overdue")


@dataclass
class Deadline:
    """The statutory deadline as the official reads it: the date, whole Kyiv days left (negative
    once passed), and whether the breach is recorded (an extension pending or a grace term is not
    a breach, whatever the calendar says)."""

    due_at: datetime | None
    days_left: int | None
    overdue: bool
    passed: bool


@dataclass
class Item:
    rec: Recommendation
    view: views.RecommendationView
    deadline: Deadline
    documents: list[Document] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.rec.status in OPEN_STATUSES

    @property
    def awaiting_answer(self) -> bool:
        return bool(self.view.open_tasks)


@dataclass
class Section:
    items: list[Item]
    total: int
    page: int
    pages: int


@dataclass
class Overview:
    authority: Authority
    own: Section
    below: Section
    documents: list[Document]  # the newest received
    documents_total: int
    overdue: int
    awaiting: int


def deadline_of(
    rec: Recommendation, view: views.RecommendationView, authority_id: int, now: datetime
) -> Deadline:
    # The deadline counts while an answer is awaited; once the Office considers it, checks, or went
    # to court, there is no countdown to show (the answer may still come: the form stays).
    due = view.due_at if rec.status in ANSWER_AWAITED else None
    if due is None:
        return Deadline(None, None, False, False)
    days = (kyiv_date(due) - kyiv_date(now)).days
    # Overdue is the recommendation's own statutory deadline, of whoever must answer now: the
    # viewer's authority, or (read-only, for a superior) the subordinate's.
    overdue = rec.is_overdue(now) and (not view.direct or rec.addressee_id == authority_id)
    return Deadline(due, days, overdue, due < now)


def _authority(user: User) -> Authority:
    if user.role != "authority" or not user.authority_id or user.authority is None:
        raise NotFound(_("This site is for the officials of authorities."))
    return user.authority


def _section(
    user: User, clause, authority_id: int, page: int, now: datetime, *, with_documents: bool
) -> Section:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation).where(clause)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    # What needs the official first: open before finished, the overdue and the nearest deadline first.
    open_first = sa.case((Recommendation.status.in_(OPEN_STATUSES), 0), else_=1)
    overdue_first = sa.case((Recommendation.overdue_clause(now), 0), else_=1)
    recs = db.session.scalars(
        sa.select(Recommendation)
        .where(clause)
        .order_by(
            open_first,
            overdue_first,
            Recommendation.due_at.is_(None),
            Recommendation.due_at,
            Recommendation.id.desc(),
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        # The card names the facility (and, read-only, the authority below): loaded with the page.
        .options(selectinload(Recommendation.facility), selectinload(Recommendation.authority))
    ).all()
    # The page's lookups, batched: a page of 30 costs the statements of a page of 3.
    docs = documents.covering(user, [r.id for r in recs]) if with_documents else {}
    seen = views.for_authority_many(list(recs), authority_id)
    items = [
        Item(rec, seen[rec.id], deadline_of(rec, seen[rec.id], authority_id, now), docs.get(rec.id, []))
        for rec in recs
    ]
    return Section(items, total, page, pages)


def overview(user: User, *, page: int = 1, below_page: int = 1) -> Overview:
    authority = _authority(user)
    now = clock.now()
    own, below = scopes.authority_parts(authority.id)
    overdue = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Recommendation)
        .where(own, Recommendation.addressee_id == authority.id, Recommendation.overdue_clause(now))
    )
    own_section = _section(user, own, authority.id, page, now, with_documents=True)
    return Overview(
        authority=authority,
        own=own_section,
        # A superior reads its subordinates' follow-up, not their correspondence: no documents.
        below=_section(user, below, authority.id, below_page, now, with_documents=False),
        documents=documents.addressed_to(user, authority.id),
        documents_total=documents.count_addressed_to(user, authority.id),
        overdue=overdue or 0,
        awaiting=sum(1 for item in own_section.items if item.awaiting_answer),
    )


@dataclass
class Detail:
    item: Item
    authority: Authority
    subordinate: Authority | None  # the authority below that it was addressed to (read-only)
    act_pdfs: set[int] = field(default_factory=set)  # acts whose PDF, as e-mailed, can be opened


def recommendation(user: User, recommendation_id: int) -> Detail:
    """One recommendation as the official reads it; one their authority may not see answers as
    missing, alike whether it exists or not."""
    authority = _authority(user)
    own, below = scopes.authority_parts(authority.id)
    rec = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == recommendation_id, sa.or_(own, below))
    )
    if rec is None:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    view = views.for_authority(rec, authority.id, with_history=True)
    docs = documents.for_recommendation(user, rec.id)
    item = Item(rec, view, deadline_of(rec, view, authority.id, clock.now()), list(docs))
    pdfs = {act.id for act in view.acts if acts.sent_pdf(act, rec) is not None}
    return Detail(item, authority, None if view.direct else rec.authority, pdfs)


def act_pdf(user: User, act_id: int) -> StoredFile:
    """The PDF of an act of response sent to the official's own authority, as e-mailed; any other
    act (another authority's, a subordinate's) answers as missing."""
    authority = _authority(user)
    act = db.session.get(ResponseAct, act_id)
    stored = None
    if act is not None and act.addressee_id == authority.id:
        stored = acts.sent_pdf(act, db.session.get(Recommendation, act.recommendation_id))
    if stored is None:
        raise NotFound(_("Document %(id)s does not exist.", id=act_id))
    return stored
