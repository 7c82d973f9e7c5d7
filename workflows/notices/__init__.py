"""What the domain tells the outside world: e-mails to authorities and lawyers, webhook events.

Everything here only enqueues outbox rows (DESIGN.md rule 6) inside the caller's transaction; the
payloads follow the contract in `topics.py` (this package), rendered by `render.py` with
the templates in `templates/` when the transport (notifications/) delivers them. Texts go in the
recipient's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from engine import outbox
from notifications import events

from ..authorities.models import Authority
from ..links import recommendation_url, reply_url
from ..recommendations.models import Recommendation
from ..reference import catalog
from ..users.models import User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def context(rec: Recommendation, language: str, authority: Authority | None = None) -> dict[str, Any]:
    """The keys every recommendation notice carries, in `language`."""
    authority = authority or rec.addressee
    seen = _view_for(rec, authority)
    facility = rec.facility
    # Reference rows from the per-worker catalog, not a SELECT per notice.
    kind = catalog.facility_kind(facility.kind_code)
    region = catalog.region(facility.region_code)
    lawyer = _lawyer(rec)
    return {
        "recommendation": {
            "id": rec.id,
            "number": rec.number,
            "text": rec.text,
            "severity": rec.severity,
            "category": rec.category,
            "url": recommendation_url(rec.id),
        },
        "facility": {
            "name": facility.name(language),
            "kind": kind.name_en if language == "en" else kind.name_uk,
            "oblast": region.name_en if language == "en" else region.name_uk,
        },
        "authority": {"name": authority.name(language), "code": authority.code},
        # The statutory deadline as this authority reads it (the one it was given), the law it
        # comes from, and an urgency date asked for: the same dates as its page and the API.
        "due_at": _iso(seen.due_at),
        "legal_basis": legal_basis(seen.legal_basis, seen.legal_basis_en, language),
        "urgency_due_at": _iso(rec.urgency_due_at) if seen.due_at == rec.due_at else None,
        "lawyer": {"name": lawyer.name, "email": lawyer.email} if lawyer else None,
    }


def _view_for(rec: Recommendation, authority: Authority):
    """The recommendation as this authority reads it (`workflows.access.views`): a letter states
    the dates the authority's own page shows."""
    from ..access.views import RecommendationView, for_authority

    if authority.id == rec.addressee_id:
        return RecommendationView(
            rec=rec,
            insider=False,
            direct=True,
            due_at=rec.due_at,
            legal_basis=rec.legal_basis,
            legal_basis_en=rec.legal_basis_en,
        )
    return for_authority(rec, authority.id, with_history=False)


def legal_basis(uk: str | None, en: str | None, language: str) -> str | None:
    """The legal basis as the recipient reads it (the DMN row's Ukrainian or English text)."""
    return (en or uk or None) if language == "en" else (uk or None)


def _lawyer(rec: Recommendation) -> User | None:
    from engine.db import db

    user_id = rec.responsible_lawyer_id or rec.created_by
    return db.session.get(User, user_id) if user_id else None


def to_authority(
    rec: Recommendation,
    authority: Authority,
    topic: str,
    extra: dict[str, Any] | None = None,
    *,
    dedupe: str | None = None,
    with_reply_link: bool = True,
    not_before: datetime | None = None,
) -> int:
    """One e-mail per address of the authority; returns how many were enqueued. `not_before`
    holds a notice back (an overdue notice waits for the working morning, not midnight)."""
    language = authority.language or "uk"
    payload = context(rec, language, authority)
    if with_reply_link:
        payload["reply_url"] = reply_url(rec.id, authority.id)
    payload.update(extra or {})
    count = 0
    for address in authority.emails or []:
        outbox.add(
            channel="email",
            topic=topic,
            recipient=address,
            language=language,
            payload=payload,
            instance_id=rec.process_instance_id,
            business_key=rec.business_key,
            dedupe_key=f"{dedupe}:{address}" if dedupe else None,
            not_before=not_before,
        )
        count += 1
    if count == 0:
        current_app.logger.warning("authority %s has no e-mail address; %s not sent", authority.code, topic)
    return count


def to_lawyer(
    rec: Recommendation,
    topic: str,
    extra: dict[str, Any] | None = None,
    *,
    dedupe: str | None = None,
    not_before: datetime | None = None,
) -> int:
    lawyer = _lawyer(rec)
    if lawyer is None or not lawyer.email:
        return 0
    language = lawyer.language or "uk"
    payload = context(rec, language)
    payload.update(extra or {})
    outbox.add(
        channel="email",
        topic=topic,
        recipient=lawyer.email,
        language=language,
        payload=payload,
        instance_id=rec.process_instance_id,
        business_key=rec.business_key,
        dedupe_key=f"{dedupe}:{lawyer.email}" if dedupe else None,
        not_before=not_before,
    )
    return 1


def publish(event: str, rec: Recommendation, extra: dict[str, Any] | None = None) -> None:
    """A webhook event for subscribers (the Office's document system, a messenger bot)."""
    payload = {
        "event": event,
        "recommendation": {
            "id": rec.id,
            "number": rec.number,
            "status": rec.status,
            "severity": rec.severity,
            "category": rec.category,
            "authority_code": rec.authority.code,
            "addressee_code": rec.addressee.code,
            "facility_id": rec.facility_id,
            "region": rec.region_code,
            "due_at": _iso(rec.due_at),
            "url": recommendation_url(rec.id),
        },
        **(extra or {}),
    }
    events.publish(event, payload, instance_id=rec.process_instance_id, business_key=rec.business_key)
