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

from engine.db import db
from engine.models import HumanTask

from ..actors import authority_group
from ..documents.kinds import DELIVERED
from ..documents.models import Document, DocumentRecommendation
from ..escalations.models import Escalation
from ..recommendations import queries
from ..recommendations.extensions import pending as pending_extension
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
    return list(
        db.session.scalars(
            sa.select(Receipt)
            .where(Receipt.recommendation_id == rec.id)
            .order_by(Receipt.received_at, Receipt.id)
        )
    )


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
) -> RecommendationView:
    """What an authority reads — through an official's account, or through the signed link of
    its letter (which is the authority's credential: no account, no task links)."""
    escalations = [
        _without_reasoning(e)
        for e in queries.escalations(rec)
        if authority_id is not None and e.target_authority_id == authority_id and e.kind in LETTER_KINDS
    ]
    acts = [a for a in rec.acts if a.addressee_id == authority_id]
    if not (acts or escalations or _documents_sent(rec, authority_id)):
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
        receipts=[r for r in _receipts(rec) if r.authority_id == authority_id],
        open_tasks=[t for t in queries.open_tasks(rec) if t.candidate_group == own_group],
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
    pending = pending_extension(rec)
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
    if authority_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(DocumentRecommendation.id)
            .join(Document, Document.id == DocumentRecommendation.document_id)
            .where(
                DocumentRecommendation.recommendation_id == rec.id,
                Document.addressee_id == authority_id,
                Document.status.in_(DELIVERED),
            )
            .limit(1)
        )
        is not None
    )


def _latest_request(acts: list[ResponseAct], letters: list[Escalation]):
    """The authority's latest act or letter with a term (repeat request, letter to a superior)."""
    dated = [(a.sent_at, a) for a in acts] + [
        (e.created_at, e) for e in letters if e.kind in ("repeat_request", "superior_authority")
    ]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None
