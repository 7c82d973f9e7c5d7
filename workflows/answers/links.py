"""The registry of letters' signed links: each names one authority and one document.

A link is a random token; only its SHA-256 is kept, so the registry can say which link was opened,
when, and whether it still accepts answers, and a lawyer can revoke it — while a copy of the
database opens nothing. A link stops opening when it expires (`OMBUDSFLOW_REPLY_LINK_DAYS`), when a
lawyer revokes it, or when a later letter to the same authority on any of the same recommendations
supersedes it; it stops *accepting answers* (but still shows what was sent and answered) when none
of its recommendations waits for this authority's reply any more.

The first opening is the proof that the letter arrived (`receipt_by_link`: the document's receipt
and each covered recommendation's, which may start the statutory term); every opening is recorded.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from engine import audit
from engine.clock import clock
from engine.db import db

from ..actors import link_actor
from ..authorities.models import Authority
from ..documents.models import Document, DocumentRecommendation
from ..errors import Conflict, NotFound
from .models import ReplyLink, ReplyLinkOpening

# Why a link does not open, and the HTTP status the page says it with.
UNKNOWN, EXPIRED, REVOKED, SUPERSEDED = "unknown", "expired", "revoked", "superseded"
STATUS = {UNKNOWN: 404, EXPIRED: 410, REVOKED: 410, SUPERSEDED: 410}


class LinkRefused(Exception):
    """The link does not open: `reason` is one of UNKNOWN (tampered or never issued), EXPIRED,
    REVOKED, SUPERSEDED; `link` is the registry row when there is one."""

    def __init__(self, reason: str, link: ReplyLink | None = None) -> None:
        super().__init__(reason)
        self.reason, self.link = reason, link

    @property
    def status(self) -> int:
        return STATUS[self.reason]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _base() -> str:
    return current_app.config["OMBUDSFLOW_BASE_URL"].rstrip("/")


def url(token: str) -> str:
    return f"{_base()}/respond/{token}"


def issue(doc: Document, *, actor: str, authority_id: int | None = None) -> tuple[ReplyLink, str]:
    """A new link for `doc` and its addressee; returns the row and the token (shown once, in the
    letter's e-mail). Earlier links of that authority on any recommendation of `doc` are superseded."""
    authority_id = authority_id or doc.addressee_id
    token = secrets.token_urlsafe(32)
    now = clock.now()
    link = ReplyLink(
        token_sha256=token_hash(token),
        document_id=doc.id,
        authority_id=authority_id,
        issued_at=now,
        issued_by=actor,
        expires_at=now + timedelta(days=current_app.config.get("OMBUDSFLOW_REPLY_LINK_DAYS", 180)),
    )
    db.session.add(link)
    db.session.flush()
    covered = sa.select(DocumentRecommendation.document_id).where(
        DocumentRecommendation.recommendation_id.in_(
            sa.select(DocumentRecommendation.recommendation_id).where(
                DocumentRecommendation.document_id == doc.id
            )
        )
    )
    older = db.session.scalars(
        sa.select(ReplyLink).where(
            ReplyLink.authority_id == authority_id,
            ReplyLink.id != link.id,
            ReplyLink.revoked_at.is_(None),
            ReplyLink.document_id.in_(covered),
        )
    ).all()
    for row in older:
        row.revoked_at, row.revoked_by, row.revoked_why, row.superseded_by_id = (
            now,
            actor,
            SUPERSEDED,
            link.id,
        )
        audit.record(
            "reply_link_superseded",
            actor=actor,
            subject=f"document:{row.document_id}",
            details={"link_id": row.id, "by_link_id": link.id, "by_document_id": doc.id},
        )
    audit.record(
        "reply_link_issued",
        actor=actor,
        subject=f"document:{doc.id}",
        details={"link_id": link.id, "authority_id": authority_id, "expires_at": link.expires_at.isoformat()},
    )
    return link, token


def resolve(token: str) -> ReplyLink:
    """The registry row of a link that opens; LinkRefused otherwise (never a bare error)."""
    if not token or len(token) > 200:
        raise LinkRefused(UNKNOWN)
    link = db.session.scalar(sa.select(ReplyLink).where(ReplyLink.token_sha256 == token_hash(token)))
    if link is None:
        raise LinkRefused(UNKNOWN)
    if link.revoked_at is not None:
        raise LinkRefused(link.revoked_why or REVOKED, link)
    if clock.now() >= link.expires_at:
        raise LinkRefused(EXPIRED, link)
    return link


def opened(link: ReplyLink, *, user_agent: str = "") -> bool:
    """Record an opening; the first one is the proof of receipt. Returns whether it was the first."""
    now = clock.now()
    first = link.first_opened_at is None
    if first:
        link.first_opened_at = now
    link.last_opened_at = now
    link.openings = (link.openings or 0) + 1
    db.session.add(ReplyLinkOpening(link_id=link.id, opened_at=now, user_agent=(user_agent or "")[:300]))
    db.session.flush()
    if first:
        receipt_by_link(link)
    return first


def receipt_by_link(link: ReplyLink) -> None:
    """The one receipt rule of a link: its first opening proves the letter arrived — for the document
    (its day of receipt, `link_opened`) and for each recommendation it covers (which starts the
    statutory term when nothing proved receipt earlier)."""
    from ..documents import services as documents
    from ..recommendations import receipts
    from ..recommendations.models import Recommendation

    doc = db.session.get(Document, link.document_id)
    authority = db.session.get(Authority, link.authority_id)
    actor = link_actor(link.authority_id)
    if doc is not None and doc.status == "sent":
        documents.record_receipt(doc.id, how="link_opened", actor=actor, received_at=link.first_opened_at)
    for rec_id in doc.recommendation_ids if doc is not None else ():
        rec = db.session.get(Recommendation, rec_id)
        if rec is not None:
            receipts.link_opened(rec, authority)


def revoke(link_id: int, *, actor: str) -> ReplyLink:
    """A lawyer stops a link (sent to a wrong address, say). Revoking twice is refused."""
    link = db.session.get(ReplyLink, link_id)
    if link is None:
        raise NotFound(_("Link %(id)s does not exist.", id=link_id))
    if link.revoked_at is not None:
        raise Conflict(_("This link no longer opens already."))
    link.revoked_at, link.revoked_by, link.revoked_why = clock.now(), actor, REVOKED
    audit.record(
        "reply_link_revoked",
        actor=actor,
        subject=f"document:{link.document_id}",
        details={"link_id": link.id},
    )
    db.session.flush()
    return link


def of_document(document_id: int) -> list[ReplyLink]:
    return list(
        db.session.scalars(
            sa.select(ReplyLink).where(ReplyLink.document_id == document_id).order_by(ReplyLink.id)
        )
    )


@dataclass(frozen=True)
class LinkSummary:
    """What a lawyer sees of a link on the document's page (and the API returns)."""

    id: int
    authority_id: int
    issued_at: datetime
    expires_at: datetime
    state: str  # active | expired | revoked | superseded
    first_opened_at: datetime | None
    openings: int


def summary(link: ReplyLink) -> LinkSummary:
    if link.revoked_at is not None:
        state = link.revoked_why or REVOKED
    elif clock.now() >= link.expires_at:
        state = EXPIRED
    else:
        state = "active"
    return LinkSummary(
        id=link.id,
        authority_id=link.authority_id,
        issued_at=link.issued_at,
        expires_at=link.expires_at,
        state=state,
        first_opened_at=link.first_opened_at,
        openings=link.openings or 0,
    )
