"""The view of one recommendation for one viewer: what the page, the API, e-mails and the CLI show.

The Office (and the monitors of the visit) read the whole story. An authority's official reads
what was exchanged with their own authority — the acts and letters sent to it, its replies,
extension requests and receipts, the notices it was sent — never drafts, the Office's internal
steps, staff names or internal due dates. A superior authority reads, besides its own exchange,
the follow-up of recommendations addressed to the authorities below it (status and the statutory
dates), not the exchange with them. Built here once, so the page and the API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from engine.db import db
from engine.models import HumanTask

from ..actors import authority_group
from ..documents.kinds import DELIVERED
from ..documents.models import Document, DocumentRecommendation
from ..escalations.models import Escalation
from ..recommendations import queries
from ..recommendations.extensions import pending as pending_extension
from ..recommendations.extensions import pending_for as pending_extensions_for
from ..recommendations.models import (
    WAITING_STATUSES,
    AuthorityReply,
    ExtensionRequest,
    Receipt,
    Recommendation,
    ResponseAct,
    Verification,
)
from ..recommendations.receipts import pending_request
from ..users.models import User
from .policy import (
    OPEN_TASK_LINKS,
    REGISTER_RECEIPT,
    REQUEST_EXTENSION,
    SEE_INTERNAL_HISTORY,
    SEE_PROCESS_DIAGRAM,
    can,
)
from .scopes import LETTER_KINDS


@dataclass
class RecommendationView:
    rec: Recommendation
    insider: bool  # the Office's whole story (staff, the visit's monitors)
    direct: bool  # something was sent to the viewer's authority (always true for insiders)
    acts: list[ResponseAct] = field(default_factory=list)
    replies: list[AuthorityReply] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    open_tasks: list[HumanTask] = field(default_factory=list)
    history: list[queries.TimelineEntry] = field(default_factory=list)
    # The statutory deadline as this viewer reads it: the recommendation's own, or — for an
    # authority that is no longer the addressee (after an escalation) — the one it was given.
    due_at: datetime | None = None
    legal_basis: str | None = None
    legal_basis_en: str | None = None
    show_people: bool = False  # staff names (assignees, actors, the responsible lawyer)
    show_next_step: bool = False  # the Office's own next step (follow-up check, hearing)
    task_links: bool = False
    diagram: bool = False
    extension_pending: ExtensionRequest | None = None
    may_request_extension: bool = False
    may_register_receipt: bool = False
    receipt_pending: bool = False
    # A protocol pending in court: the days left for a court to impose the penalty (the Office's).
    limitation: Any = None


def _receipts(rec: Recommendation) -> list[Receipt]:
    return _receipts_for([rec.id]).get(rec.id, [])


def _receipts_for(recommendation_ids: list[int]) -> dict[int, list[Receipt]]:
    found: dict[int, list[Receipt]] = {}
    if recommendation_ids:
        for r in db.session.scalars(
            sa.select(Receipt)
            .where(Receipt.recommendation_id.in_(recommendation_ids))
            .order_by(Receipt.received_at, Receipt.id)
        ):
            found.setdefault(r.recommendation_id, []).append(r)
    return found


@dataclass
class _Exchange:
    """What `for_authority` reads of a recommendation beyond its row. Loaded for one recommendation
    on its own page, or for a whole list at once (`for_authority_many`): the rule that filters it
    is the same code either way, and a list of 30 costs the statements of a list of 3."""

    escalations: list[Escalation]
    receipts: list[Receipt]
    open_tasks: list[HumanTask]
    pending: ExtensionRequest | None
    documents_sent: bool | None = None  # None: not known yet (asked only when nothing else was sent)


def _exchange_of(rec: Recommendation) -> _Exchange:
    return _Exchange(
        escalations=queries.escalations(rec),
        receipts=_receipts(rec),
        open_tasks=queries.open_tasks(rec),
        pending=pending_extension(rec),
    )


def _load_collections(recs: list[Recommendation]) -> None:
    """Fill `acts`, `replies` and `extensions` of every recommendation not yet loaded, one statement
    per collection (the relationships' own order: by id)."""
    for name, model in (("acts", ResponseAct), ("replies", AuthorityReply), ("extensions", ExtensionRequest)):
        missing = [r for r in recs if name not in sa.inspect(r).dict]
        if not missing:
            continue
        rows: dict[int, list] = {r.id: [] for r in missing}
        for row in db.session.scalars(
            sa.select(model).where(model.recommendation_id.in_([r.id for r in missing])).order_by(model.id)
        ):
            rows[row.recommendation_id].append(row)
        for r in missing:
            set_committed_value(r, name, rows[r.id])


def for_authority_many(
    recs: list[Recommendation], authority_id: int, *, with_history: bool = False
) -> dict[int, RecommendationView]:
    """`for_authority` of every recommendation of a list, with a fixed number of statements."""
    if not recs:
        return {}
    ids = [r.id for r in recs]
    _load_collections(recs)
    escalations = queries.escalations_for(ids)
    receipts = _receipts_for(ids)
    tasks = queries.open_tasks_for(recs)
    pending = pending_extensions_for(ids)
    sent = _documents_sent_to(ids, authority_id)
    return {
        r.id: for_authority(
            r,
            authority_id,
            with_history=with_history,
            exchange=_Exchange(
                escalations=escalations.get(r.id, []),
                receipts=receipts.get(r.id, []),
                open_tasks=tasks.get(r.id, []),
                pending=pending.get(r.id),
                documents_sent=r.id in sent,
            ),
        )
        for r in recs
    }


def _limitation(rec: Recommendation):
    from ..escalations import court

    return court.limitation_for(rec.id) if rec.status in ("escalated", "in_court") else None


def view(rec: Recommendation, viewer: User, *, with_history: bool = True) -> RecommendationView:
    """What `viewer` sees of `rec` (whose visibility `queries.get` has already checked)."""
    insider = can(viewer, SEE_INTERNAL_HISTORY)
    if insider:
        v = RecommendationView(
            rec=rec,
            insider=True,
            direct=True,
            acts=list(rec.acts),
            replies=list(rec.replies),
            extensions=list(rec.extensions),
            verifications=list(rec.verifications),
            escalations=queries.escalations(rec),
            receipts=_receipts(rec),
            open_tasks=queries.open_tasks(rec),
            history=queries.timeline(rec) if with_history else [],
            show_people=True,
            show_next_step=True,
            task_links=can(viewer, OPEN_TASK_LINKS),
            diagram=can(viewer, SEE_PROCESS_DIAGRAM),
            limitation=_limitation(rec),
        )
        v.due_at, v.legal_basis, v.legal_basis_en = rec.due_at, rec.legal_basis, rec.legal_basis_en
        v.extension_pending = pending_extension(rec)
        v.receipt_pending = (
            rec.status in WAITING_STATUSES and pending_request(rec, rec.addressee_id) is not None
        )
        v.may_register_receipt = v.receipt_pending and can(viewer, REGISTER_RECEIPT)
        return v
    authority_id = viewer.authority_id if viewer.role == "authority" else None
    return for_authority(
        rec,
        authority_id,
        task_links=can(viewer, OPEN_TASK_LINKS),
        may_extend=can(viewer, REQUEST_EXTENSION),
        with_history=with_history,
    )


def _without_reasoning(escalation: Escalation) -> SimpleNamespace:
    """The letter as its addressee knows it: the lawyer's reasoning behind it (an internal field of
    `decide_next_steps`, see workflows/access/internal.py) stays with the Office."""
    fields = {c.key: getattr(escalation, c.key) for c in sa.inspect(Escalation).mapper.column_attrs}
    return SimpleNamespace(**{**fields, "reason": ""})


def for_authority(
    rec: Recommendation,
    authority_id: int | None,
    *,
    task_links: bool = False,
    may_extend: bool = True,
    with_history: bool = True,
    exchange: _Exchange | None = None,
) -> RecommendationView:
    """What an authority reads — through an official's account, or through the signed link of
    its letter (which is the authority's credential: no account, no task links). `exchange` is
    what `for_authority_many` loaded for a whole list; alone, it is read here."""
    x = exchange if exchange is not None else _exchange_of(rec)
    escalations = [
        _without_reasoning(e)
        for e in x.escalations
        if authority_id is not None and e.target_authority_id == authority_id and e.kind in LETTER_KINDS
    ]
    acts = [a for a in rec.acts if a.addressee_id == authority_id]
    sent = x.documents_sent if x.documents_sent is not None else _documents_sent(rec, authority_id)
    if not (acts or escalations or sent):
        # A superior following a subordinate's recommendation: its status and dates only.
        return RecommendationView(
            rec=rec,
            insider=False,
            direct=False,
            due_at=rec.due_at,
            legal_basis=rec.legal_basis,
            legal_basis_en=rec.legal_basis_en,
        )
    own_group = authority_group(authority_id)
    v = RecommendationView(
        rec=rec,
        insider=False,
        direct=True,
        acts=acts,
        replies=[r for r in rec.replies if r.authority_id == authority_id],
        extensions=[x for x in rec.extensions if x.authority_id == authority_id],
        escalations=escalations,
        receipts=[r for r in x.receipts if r.authority_id == authority_id],
        open_tasks=[t for t in x.open_tasks if t.candidate_group == own_group],
        history=queries.timeline(rec, authority_id=authority_id) if with_history else [],
        task_links=task_links,
    )
    if rec.addressee_id == authority_id:
        v.due_at, v.legal_basis, v.legal_basis_en = rec.due_at, rec.legal_basis, rec.legal_basis_en
    else:
        latest = _latest_request(acts, escalations)
        v.due_at = latest.due_at if latest is not None else None
        v.legal_basis = latest.legal_basis if latest is not None else None
        v.legal_basis_en = latest.legal_basis_en if latest is not None else None
    pending = x.pending
    v.extension_pending = pending if pending is not None and pending.authority_id == authority_id else None
    v.may_request_extension = (
        may_extend
        and rec.addressee_id == authority_id
        and rec.status in WAITING_STATUSES
        and rec.due_at is not None
        and pending is None
    )
    return v


def _documents_sent(rec: Recommendation, authority_id: int | None) -> bool:
    """Whether an outgoing document covering `rec` was sent to the authority (the same rule as
    `scopes.sent_to`, for one recommendation)."""
    return rec.id in _documents_sent_to([rec.id], authority_id)


def _documents_sent_to(recommendation_ids: list[int], authority_id: int | None) -> set[int]:
    """Which of these recommendations an outgoing document sent to the authority covers."""
    if authority_id is None or not recommendation_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(DocumentRecommendation.recommendation_id)
            .join(Document, Document.id == DocumentRecommendation.document_id)
            .where(
                DocumentRecommendation.recommendation_id.in_(recommendation_ids),
                Document.addressee_id == authority_id,
                Document.status.in_(DELIVERED),
            )
            .distinct()
        )
    )


def _latest_request(acts: list[ResponseAct], letters: list[Escalation]):
    """The authority's latest act or letter with a term (repeat request, letter to a superior)."""
    dated = [(a.sent_at, a) for a in acts] + [
        (e.created_at, e) for e in letters if e.kind in ("repeat_request", "superior_authority")
    ]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None
