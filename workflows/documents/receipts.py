"""Receipts the system sees by itself: the covering e-mail of a document accepted by the
addressee's mail server (`smtp_accepted`). Links opened (`link_opened`, issue 16) and the
authority's own registration (`registered`) come through `services.record_receipt` too."""

from __future__ import annotations

from engine.db import db

from . import mail, services
from .models import Document


def on_email_sent(row) -> None:
    """Delivery listener (`engine.outbox.on_delivered`): the first accepted copy of an e-mail that
    carries a document — its own covering note, or the process's notice (`act_sent`,
    `repeat_request`, `escalation`, `closed`, `extension_decision`, payload `document.id`) — is
    the document's receipt."""
    if row.channel != "email":
        return
    payload = row.payload or {}
    document_id = payload.get("document_id") if row.topic == mail.TOPIC else None
    if document_id is None and isinstance(payload.get("document"), dict):
        document_id = payload["document"].get("id")
    doc = db.session.get(Document, int(document_id)) if document_id else None
    if doc is not None and doc.status == "sent":
        services.record_receipt(doc.id, how="smtp_accepted", actor="outbox-delivery")
