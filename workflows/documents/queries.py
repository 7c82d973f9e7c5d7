"""Reading documents: one document for a viewer, the documents of a recommendation, a document's
history. Staff only for now; what an authority may read of its documents is the access policy's
to decide (issue 14/16)."""

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
from .models import Document, DocumentRecommendation


def _staff_only(user: User) -> None:
    if not access.can(user, access.READ_DOCUMENTS):
        raise Forbidden(_("Only the Office's staff open documents for now."))


def get(user: User, document_id: int) -> Document:
    _staff_only(user)
    doc = db.session.get(Document, document_id)
    if doc is None:
        raise NotFound(_("Document %(id)s does not exist.", id=document_id))
    return doc


def for_recommendation(user: User, recommendation_id: int) -> list[Document]:
    """Every document that covers the recommendation, newest first (one indexed join)."""
    _staff_only(user)
    if db.session.get(Recommendation, recommendation_id) is None:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    return list(of_recommendation(recommendation_id))


def of_recommendation(recommendation_id: int) -> list[Document]:
    return db.session.scalars(
        sa.select(Document)
        .join(DocumentRecommendation, DocumentRecommendation.document_id == Document.id)
        .where(DocumentRecommendation.recommendation_id == recommendation_id)
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
