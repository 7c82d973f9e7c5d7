"""Reading documents: one document for a viewer, the documents of a recommendation, a document's
history. Who reads which document is the access policy's (`access.document_filter`): the staff,
every document; an authority's officials, what was sent to their own authority — anything else
answers as if it did not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.db import db
from engine.models import AuditEvent

from .. import access
from ..errors import Forbidden, NotFound
from ..recommendations.models import Recommendation
from ..users.models import User
from .kinds import DELIVERED
from .models import Document, DocumentRecommendation


def _readers_only(user: User) -> None:
    if not (access.can(user, access.READ_DOCUMENTS) or access.can(user, access.USE_PORTAL)):
        raise Forbidden(_("Only the Office's staff open documents for now."))


def get(user: User, document_id: int) -> Document:
    _readers_only(user)
    doc = db.session.scalar(
        sa.select(Document).where(Document.id == document_id, access.document_filter(user))
    )
    if doc is None:
        raise NotFound(_("Document %(id)s does not exist.", id=document_id))
    return doc


def _addressed(user: User, authority_id: int):
    return sa.and_(
        Document.addressee_id == authority_id,
        Document.status.in_(DELIVERED),
        access.document_filter(user),
    )


def addressed_to(user: User, authority_id: int, *, limit: int = 20) -> list[Document]:
    """The newest documents sent to an authority that `user` may read."""
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(_addressed(user, authority_id))
            .order_by(Document.sent_at.desc(), Document.id.desc())
            .limit(limit)
        )
    )


def count_addressed_to(user: User, authority_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Document).where(_addressed(user, authority_id))
    )


def covering(user: User, recommendation_ids: list[int]) -> dict[int, list[Document]]:
    """The documents `user` may read that cover each of these recommendations (one query)."""
    found: dict[int, list[Document]] = {}
    if not recommendation_ids:
        return found
    rows = db.session.execute(
        sa.select(DocumentRecommendation.recommendation_id, Document)
        .join(Document, Document.id == DocumentRecommendation.document_id)
        .where(DocumentRecommendation.recommendation_id.in_(recommendation_ids), access.document_filter(user))
        .where(Document.status.in_(DELIVERED))
        .order_by(Document.id.desc())
    )
    for rec_id, doc in rows:
        found.setdefault(rec_id, []).append(doc)
    return found


def for_recommendation(user: User, recommendation_id: int) -> list[Document]:
    """Every document that covers the recommendation and `user` may read, newest first (one indexed
    join); a recommendation `user` may not see answers as missing."""
    _readers_only(user)
    visible = sa.select(Recommendation.id).where(
        Recommendation.id == recommendation_id, access.recommendation_filter(user)
    )
    if db.session.scalar(visible) is None:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    return list(of_recommendation(recommendation_id, access.document_filter(user)))


def of_recommendation(recommendation_id: int, where=sa.true()) -> list[Document]:
    return db.session.scalars(
        sa.select(Document)
        .join(DocumentRecommendation, DocumentRecommendation.document_id == Document.id)
        .where(DocumentRecommendation.recommendation_id == recommendation_id, where)
        .order_by(Document.id.desc())
    ).all()


def recommendations(doc: Document) -> list[Recommendation]:
    from .services import recommendations_of

    return recommendations_of(doc)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    event: str
    actor: str
    details: dict[str, Any]


def history(doc: Document) -> list[HistoryEntry]:
    """The audit events of the document, oldest first (by the subject index)."""
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject == f"document:{doc.id}").order_by(AuditEvent.id)
    ).all()
    return [HistoryEntry(e.at, e.event, e.actor, dict(e.details or {})) for e in events]
