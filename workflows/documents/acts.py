"""The first wave's act of response (`ResponseAct`, made by the process's `send_act` step) as a
PDF kept in the file store and attached to its e-mail. When the process drafts every act as a
Document (the wiring of issue 15), `services.mark_sent` takes this over and this module goes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine.db import db
from engine.models import OutboxMessage

from ..authorities.models import Authority
from ..files import store
from ..files.models import StoredFile
from ..recommendations.models import Recommendation, ResponseAct
from . import letters, pdf


def attachment(act: ResponseAct, rec: Recommendation, authority: Authority, actor: str) -> dict[str, Any]:
    """Render the act in the authority's language, keep it, and return the outbox attachment."""
    language = authority.language or "uk"
    letter = letters.of_act(act, rec, language)
    name = pdf.filename(letter.title, act.number, language)
    stored = store.store(pdf.render(letter), filename=name, actor=actor, purpose="act_pdf")
    return {"sha256": stored.sha256, "filename": name, "content_type": "application/pdf"}


def sent_pdf(act: ResponseAct, rec: Recommendation) -> StoredFile | None:
    """The act's PDF exactly as it was e-mailed to the authority (the attachment of its `act_sent`
    e-mail, by the instance's indexed outbox rows), or None when it went by no e-mail. An act that
    is a document (one e-mail per document, sent by whichever process of a grouped submission got
    there first) is the document's kept PDF."""
    from .models import Document, DocumentRecommendation

    doc = db.session.scalar(
        sa.select(Document)
        .join(DocumentRecommendation, DocumentRecommendation.document_id == Document.id)
        .where(
            DocumentRecommendation.recommendation_id == rec.id,
            Document.number == act.number,
            Document.pdf_file_id.is_not(None),
        )
        .limit(1)
    )
    if doc is not None:
        return db.session.get(StoredFile, doc.pdf_file_id)
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.instance_id == rec.process_instance_id, OutboxMessage.topic == "act_sent")
        .order_by(OutboxMessage.id)
    )
    for row in rows:
        if not (row.dedupe_key or "").startswith(f"act:{act.id}:"):
            continue
        for item in (row.payload or {}).get("attachments") or []:
            found = db.session.scalar(
                sa.select(StoredFile)
                .where(StoredFile.sha256 == item.get("sha256"))
                .order_by(StoredFile.id)
                .limit(1)
            )
            if found is not None:
                return found
    return None
