"""The authority's answer to a document, recommendation by recommendation (відповідь на подання):
one submission may cover several recommendations of a visit, and each keeps its own process, so
the answer is recorded per recommendation — its own text and measures — completing that
recommendation's reply task. The portal (/respond), an official's account and the API call this
one function; without a document (a recommendation answered on its own) it works the same.

    record_answer(recommendation_id, *, authority_id, reply_text, measures=None, attachments=(),
                  document_id=None, user=None, expected_version=None) -> AnswerResult

`user` is the official answering in an account; without it the answer comes through the signed
link of the letter (actor `link:authority:<id>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine.db import db

from .. import tasks as work
from ..errors import Conflict, Invalid, NotFound
from ..recommendations.models import Recommendation
from ..users.models import User
from .models import Document, DocumentRecommendation


@dataclass(frozen=True)
class AnswerResult:
    recommendation_id: int
    document_id: int | None
    task_id: str


def document_of(recommendation_id: int, authority_id: int) -> Document | None:
    """The newest document sent to `authority_id` that covers the recommendation (what it answers)."""
    return db.session.scalar(
        sa.select(Document)
        .join(DocumentRecommendation, DocumentRecommendation.document_id == Document.id)
        .where(
            DocumentRecommendation.recommendation_id == recommendation_id,
            Document.addressee_id == authority_id,
            Document.status.in_(("sent", "received")),
        )
        .order_by(Document.id.desc())
        .limit(1)
    )


def siblings(doc: Document | None, recommendation_id: int) -> list[Recommendation]:
    """The other recommendations the same document covers (each answered on its own)."""
    if doc is None:
        return []
    ids = [i for i in doc.recommendation_ids if i != recommendation_id]
    if not ids:
        return []
    rows = {r.id: r for r in db.session.scalars(sa.select(Recommendation).where(Recommendation.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def record_answer(
    recommendation_id: int,
    *,
    authority_id: int,
    reply_text: str | None,
    measures: str | None = None,
    attachments: Sequence[str] = (),
    document_id: int | None = None,
    user: User | None = None,
    expected_version: int | None = None,
) -> AnswerResult:
    """Record the authority's answer on one recommendation (of `document_id`, if given: the
    recommendation must be one it covers). Runs in the caller's transaction."""
    rec = db.session.get(Recommendation, recommendation_id)
    if rec is None:
        raise NotFound(_("Recommendation %(id)s does not exist.", id=recommendation_id))
    if document_id is not None:
        doc = db.session.get(Document, document_id)
        if doc is None or recommendation_id not in doc.recommendation_ids or doc.addressee_id != authority_id:
            message = _("This document does not cover recommendation %(number)s.", number=rec.number)
            raise Invalid(message, {"recommendation_id": [message]})
    else:
        doc = document_of(recommendation_id, authority_id)
    task = work.open_task_for_authority(rec, authority_id)
    if task is None:
        raise Conflict(_("There is nothing to answer on this recommendation at the moment."))
    # What was given, as given: the form's own rules say what is missing or too short.
    data: dict[str, Any] = {}
    if reply_text is not None:
        data["reply_text"] = reply_text
    if measures is not None:
        data["measures"] = measures
    if attachments:
        data["attachments"] = list(attachments)
    if user is not None:
        work.complete(user, task.id, data, expected_version)
    else:
        work.complete_for_authority(authority_id, task.id, data, expected_version)
    return AnswerResult(rec.id, doc.id if doc else None, task.id)
