"""Receipt of an act or of a letter to a superior authority: the moment its statutory term starts.

Three proofs count (each kept, the first of each kind per request, and shown in the history):
- `email`: the recipient's mail server accepted our e-mail (the deliverer reports it through
  `engine.outbox.on_delivered`);
- `link`: an official first opened the signed reply link of the letter;
- `paper`: a lawyer registered the day of receipt (postal notice, the authority's incoming number).
A reply itself also proves receipt (`reply`). The first proof of a request starts its term: the
domain tells the instance (BPMN message `act_received`), which counts the deadline and starts its
timers. When no proof comes, the process asks a lawyer to register the paper receipt.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from engine import errors as engine_errors
from engine import instances, outbox
from engine.clock import clock
from engine.db import db

from ..actors import link_actor
from ..authorities.models import Authority
from ..deadlines import KYIV, as_day
from ..errors import Conflict, Invalid
from ..escalations.models import Escalation
from .models import Receipt, Recommendation, ResponseAct

log = logging.getLogger(__name__)

MESSAGE = "act_received"
# The letters whose receipt starts a term.
REQUEST_TOPICS = ("act_sent", "escalation")


def pending_request(rec: Recommendation, authority_id: int) -> ResponseAct | Escalation | None:
    """The latest act or superior letter sent to this authority that has no receipt yet."""
    act = db.session.scalar(
        sa.select(ResponseAct)
        .where(ResponseAct.recommendation_id == rec.id, ResponseAct.addressee_id == authority_id)
        .order_by(ResponseAct.id.desc())
        .limit(1)
    )
    letter = db.session.scalar(
        sa.select(Escalation)
        .where(
            Escalation.recommendation_id == rec.id,
            Escalation.kind == "superior_authority",
            Escalation.target_authority_id == authority_id,
        )
        .order_by(Escalation.id.desc())
        .limit(1)
    )
    candidates = [r for r in (act, letter) if r is not None]
    if not candidates:
        return None
    latest = max(candidates, key=lambda r: r.sent_at if isinstance(r, ResponseAct) else r.created_at)
    return latest if latest.received_at is None else None


def latest_request(rec: Recommendation) -> ResponseAct | Escalation | None:
    """The act or superior letter the current addressee must answer (the latest sent to it)."""
    act = rec.acts[-1] if rec.acts else None
    letter = db.session.scalar(
        sa.select(Escalation)
        .where(
            Escalation.recommendation_id == rec.id,
            Escalation.kind == "superior_authority",
            Escalation.target_authority_id == rec.addressee_id,
        )
        .order_by(Escalation.id.desc())
        .limit(1)
    )
    if letter is not None and (act is None or letter.created_at >= act.sent_at):
        return letter
    return act


def _already(request: ResponseAct | Escalation, kind: str) -> bool:
    column = Receipt.act_id if isinstance(request, ResponseAct) else Receipt.escalation_id
    return (
        db.session.scalar(sa.select(Receipt.id).where(column == request.id, Receipt.kind == kind).limit(1))
        is not None
    )


def record(
    rec: Recommendation,
    authority_id: int,
    kind: str,
    received_at: datetime,
    *,
    actor: str,
    incoming_number: str | None = None,
    note: str = "",
    detail: str = "",
    tell_process: bool = True,
) -> Receipt | None:
    """Keep the first proof of this kind for the authority's pending request; the first proof of
    all starts the term (the instance is told). Returns the row, or None when there was nothing
    to prove (no pending request, or this kind already on record)."""
    request = pending_request(rec, authority_id)
    if request is None or _already(request, kind):
        return None
    started = (
        db.session.scalar(
            sa.select(Receipt.id)
            .where(
                (Receipt.act_id == request.id)
                if isinstance(request, ResponseAct)
                else (Receipt.escalation_id == request.id),
                Receipt.started_term.is_(True),
            )
            .limit(1)
        )
        is not None
    )
    receipt = Receipt(
        recommendation_id=rec.id,
        authority_id=authority_id,
        act_id=request.id if isinstance(request, ResponseAct) else None,
        escalation_id=request.id if isinstance(request, Escalation) else None,
        kind=kind,
        received_at=received_at,
        incoming_number=incoming_number,
        note=note,
        detail=detail[:500],
        started_term=not started,
        recorded_at=clock.now(),
        recorded_by=actor,
    )
    db.session.add(receipt)
    db.session.flush()
    if receipt.started_term and tell_process and rec.process_instance_id:
        try:
            instances.send_message(
                rec.process_instance_id,
                MESSAGE,
                payload={"received_at": received_at.isoformat(), "kind": kind, "receipt_id": receipt.id},
                actor=actor,
            )
        except engine_errors.Conflict:
            # The process no longer waits for it (a reply came first, or the lawyer is registering
            # the paper receipt this very moment): the proof is kept, the term is not restarted.
            receipt.started_term = False
    return receipt


def paper_received_at(day) -> datetime:
    """Noon in Kyiv of the registered day: the term counts from the day, whatever the hour."""
    return datetime.combine(as_day(day), time(12, 0), KYIV)


def register_paper(
    rec: Recommendation, *, received_on: Any, incoming_number: str | None, note: str, actor: str
) -> Receipt:
    """A lawyer registers paper receipt while the process waits for one (API and pages)."""
    errors = check_received_on(rec, received_on)
    if errors:
        raise Invalid(_("The receipt was not registered."), errors)
    if pending_request(rec, rec.addressee_id) is None:
        raise Conflict(_("No act or letter of this recommendation is waiting for its receipt."))
    receipt = record(
        rec,
        rec.addressee_id,
        "paper",
        paper_received_at(received_on),
        actor=actor,
        incoming_number=(incoming_number or "").strip()[:60] or None,
        note=(note or "").strip(),
    )
    if receipt is None:
        raise Conflict(_("A paper receipt of this act or letter is already registered."))
    return receipt


def check_received_on(rec_or_sent: Any, received_on: Any) -> dict[str, list[str]]:
    """The day of receipt is a real date, not in the future, not before the letter was sent."""
    try:
        day = as_day(received_on) if received_on else None
    except ValueError:
        day = None
    if day is None:
        return {"received_on": [_("Enter a valid date (YYYY-MM-DD).")]}
    today = as_day(clock.now())
    if day > today:
        return {"received_on": [_("The day of receipt cannot be in the future.")]}
    sent = rec_or_sent
    if isinstance(rec_or_sent, Recommendation):
        request = pending_request(rec_or_sent, rec_or_sent.addressee_id)
        sent = (
            (request.sent_at if isinstance(request, ResponseAct) else request.created_at) if request else None
        )
    if isinstance(sent, datetime | str) and day < as_day(sent):
        return {
            "received_on": [_("The act cannot be received before it was sent (%(date)s).", date=_d(sent))]
        }
    return {}


def _d(value: Any) -> str:
    return as_day(value).strftime("%d.%m.%Y")


# --- the deliverer's report: the recipient's mail server accepted the letter ---------------------------


@outbox.on_delivered
def _on_delivered(event: outbox.Delivered) -> None:
    if event.channel != "email" or event.topic not in REQUEST_TOPICS or not event.business_key:
        return
    if (
        event.topic == "escalation"
        and (event.payload.get("escalation") or {}).get("kind") != "superior_authority"
    ):
        return
    code = (event.payload.get("authority") or {}).get("code")
    authority = db.session.scalar(sa.select(Authority).where(Authority.code == code)) if code else None
    if authority is None:
        return
    for rec in _proved_by(event):
        record(
            rec,
            authority.id,
            "email",
            event.sent_at,
            actor="outbox",
            detail=f"{event.recipient} (outbox {event.id})",
        )


def _proved_by(event: outbox.Delivered) -> list[Recommendation]:
    """The recommendations whose letter this e-mail is: every recommendation of the document it
    carries (one `act_sent` e-mail for a grouped submission proves receipt for each of them, and
    each process is told), else the row's own."""
    from ..documents import services as documents
    from ..documents.models import Document

    document_id = (event.payload.get("document") or {}).get("id") if event.topic == "act_sent" else None
    doc = db.session.get(Document, int(document_id)) if document_id else None
    if doc is not None:
        return documents.recommendations_of(doc)
    key = event.business_key or ""
    rec = db.session.get(Recommendation, int(key)) if key.isdigit() else None
    return [rec] if rec is not None else []


def link_opened(rec: Recommendation, authority: Authority) -> Receipt | None:
    """The first opening of the signed reply link by the authority (kept as proof)."""
    return record(rec, authority.id, "link", clock.now(), actor=link_actor(authority.id))


# --- a grouped submission's late comers --------------------------------------------------------------

# How a document's receipt (workflows/documents) reads as a recommendation's proof.
_PROOF_OF_DOCUMENT = {"smtp_accepted": "email", "link_opened": "link", "registered": "paper"}


def catch_up() -> int:
    """The recommendations of a grouped submission whose process reached `send_act` only after the
    document's one e-mail had been accepted (or its link opened): the proof came before their act
    existed, so the fan-out at delivery could not give it to them. Each gets it now, from the
    document's own day of receipt, and its process is told — the term runs from that one e-mail,
    and no lawyer is asked for a paper receipt. A scheduler job (`OMBUDSFLOW_RECEIPT_CATCH_UP_INTERVAL`);
    returns how many were caught up."""
    from ..documents.models import Document, DocumentRecommendation

    rows = db.session.execute(
        sa.select(Recommendation.id, ResponseAct.id, Document.id)
        .join(ResponseAct, ResponseAct.recommendation_id == Recommendation.id)
        .join(DocumentRecommendation, DocumentRecommendation.recommendation_id == Recommendation.id)
        .join(
            Document,
            sa.and_(
                Document.id == DocumentRecommendation.document_id,
                Document.number == ResponseAct.number,
                Document.addressee_id == ResponseAct.addressee_id,
            ),
        )
        .where(
            Recommendation.status == "awaiting_receipt",
            ResponseAct.received_at.is_(None),
            Document.received_at.is_not(None),
            ~sa.exists().where(Receipt.act_id == ResponseAct.id),
        )
        .order_by(Recommendation.id)
    ).all()
    done = 0
    for rec_id, act_id, document_id in rows:
        rec = db.session.get(Recommendation, rec_id)
        doc = db.session.get(Document, document_id)
        request = pending_request(rec, rec.addressee_id)
        if request is None or request.id != act_id:
            continue
        kind = _PROOF_OF_DOCUMENT.get(doc.received_how or "", "email")
        receipt = record(
            rec,
            rec.addressee_id,
            kind,
            doc.received_at,
            actor="receipts",
            detail=f"document {doc.number}: {doc.received_how}",
        )
        db.session.commit()
        done += receipt is not None
    return done
