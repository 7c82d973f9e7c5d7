"""What a document template is filled from: plain data in the document's language.

The keys, documented for designers in docs/DOCUMENTS.md ("The template context"):

    document        {kind, title, language, number, date, subject, details}
    addressee       {name, code, level}
    recommendations [{number, text, severity, category, finding: {text, category, severity}}]
    findings        the distinct findings of those recommendations, in order
    visit           {kind, starts_on, ends_on, members: [{name, role}]}      or None
    facility        {name, kind, region, address}                            or None
    term            {period, text, basis}    the statutory term stated       or None
    urgent_by       a date ("we ask you to act by …")                        or None
    signatory       {name, position}                                         or None
    author          {name}
    today           the Kyiv date the text is made

Only plain values go in (text, numbers, dates, lists, dicts): a template runs in a sandbox and
must not be handed a database row, whose methods would lead back to the application.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from engine.clock import clock

from ..deadlines import kyiv_date
from ..recommendations.models import Recommendation
from .formatting import term_words
from .kinds import TITLES
from .models import Document

# The top-level names a template may use; deploying a template that uses another one is refused.
KEYS = (
    "document",
    "addressee",
    "recommendations",
    "findings",
    "visit",
    "facility",
    "term",
    "urgent_by",
    "signatory",
    "author",
    "today",
)


def _finding(rec: Recommendation) -> dict[str, Any]:
    finding = rec.finding
    return {
        "id": finding.id,
        "text": finding.text,
        "category": finding.category,
        "severity": finding.severity,
    }


def build(doc: Document, recommendations: list[Recommendation]) -> dict[str, Any]:
    language = doc.language
    with force_locale(language):
        title = str(TITLES[doc.kind])
        term_text = term_words(doc.term_period) if doc.term_period else None
    first = recommendations[0] if recommendations else None
    visit = first.finding.visit if first is not None else None
    facility = visit.facility if visit is not None else (first.facility if first is not None else None)
    findings: dict[int, dict[str, Any]] = {}
    for rec in recommendations:
        findings.setdefault(rec.finding_id, _finding(rec))
    signatory = None
    if doc.signatory_name:
        signatory = {"name": doc.signatory_name, "position": doc.signatory_position}
    elif doc.signatory is not None:
        signatory = {"name": doc.signatory.name, "position": doc.signatory.position}
    en = language == "en"
    return {
        "document": {
            "kind": doc.kind,
            "title": title,
            "language": language,
            "number": doc.number,
            "date": doc.number_date,
            "subject": doc.subject,
            "details": dict(doc.details or {}),
        },
        "addressee": {
            "name": doc.addressee.name(language),
            "code": doc.addressee.code,
            "level": doc.addressee.level,
        },
        "recommendations": [
            {
                "number": rec.number,
                "text": rec.text,
                "severity": rec.severity,
                "category": rec.category,
                "finding": findings[rec.finding_id],
            }
            for rec in recommendations
        ],
        "findings": list(findings.values()),
        "visit": {
            "kind": visit.kind,
            "starts_on": visit.starts_on,
            "ends_on": visit.ends_on,
            "members": [{"name": m.name, "role": m.role} for m in visit.members],
        }
        if visit is not None
        else None,
        "facility": {
            "name": facility.name(language),
            "kind": facility.kind.name_en if en else facility.kind.name_uk,
            "region": facility.region.name_en if en else facility.region.name_uk,
            "address": facility.address,
        }
        if facility is not None
        else None,
        "term": {"period": doc.term_period, "text": term_text, "basis": doc.term_basis}
        if doc.term_period
        else None,
        "urgent_by": doc.urgent_by,
        "signatory": signatory,
        "author": {"name": doc.author.name},
        "today": kyiv_date(clock.now()),
    }
